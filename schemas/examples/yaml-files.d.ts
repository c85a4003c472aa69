// A YAML file imported as its parsed data (yaml-module.ts: esbuild's and vitest's loader).
declare module '*.yaml' {
  const data: unknown;
  export default data;
}
