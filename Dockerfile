# One image for the three services of infra/docker-compose.yml; each runs its npm script:
# npm start (api), npm run ingest, npm run scoring. TypeScript runs through tsx, as in development.
#
# Debian slim, not Alpine: the embedded ClickHouse engine (chdb, a dependency even when a
# ClickHouse server is used) ships a glibc build only.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

WORKDIR /app

# Dependencies first, so a source change reuses this layer. `npm install` installs the versions
# the lock file pins; not `npm ci`, which refuses this lock as out of sync: chdb lists optional
# engine packages for other platforms that the lock cannot record (the same reason as in .ci/run).
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY schemas ./schemas
COPY services ./services
# The organiser's handbook is served at /handbook (also on a plant network without the internet),
# with the pictures the browser tests take.
COPY docs ./docs
COPY test/browser/screenshots ./test/browser/screenshots

# The services write nothing to disk against a ClickHouse server.
USER node

EXPOSE 3000 3100
CMD ["npm", "start"]
