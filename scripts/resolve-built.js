'use strict';
// `node -r ./scripts/resolve-built.js build/stacks/main.js` (after `npm run build:app`, which
// compiles to build/): the compiled tree resolves the package names to itself.
require('./package-sources').resolveToSources(require('path').resolve(__dirname, '..', 'build'));
