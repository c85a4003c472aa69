#!/usr/bin/env node
// The organisers' CLI, installed as `ghlb` (package.json "bin"; `npx ghlb …` in this repository,
// `ghlb …` anywhere after `npm install -g .`). The code is TypeScript like the rest of the project;
// tsx's loader compiles it on the fly, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
