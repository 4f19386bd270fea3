'use strict';
// `node -r ./scripts/package-sources-register.js -r <another TypeScript loader> stacks/main.ts`: the
// package names resolve to the sources, as scripts/ts-register.js does itself (bench/loaders.js).
require('./package-sources').resolveToSources();
