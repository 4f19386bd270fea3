'use strict';
/**
 * Where each entry point of the two packages built from this repository lives in the sources
 * (relative to the repository root). One table for every resolver: scripts/ts-register.js
 * (synth, check, e2e), jest.config.js (moduleNameMapper), tsconfig.json `paths` (kept equal by
 * test/package-layout.test.ts) and the package builds (scripts/build-packages.js). Inside this
 * repository `@dapr-platform/terraform` imports the model through `@dapr-platform/constructs`,
 * exactly as it does once both are installed from npm.
 */
const path = require('path');

const PACKAGE_SOURCES = {
  '@dapr-platform/constructs': 'constructs/index.ts',
  '@dapr-platform/constructs/policy': 'constructs/policy/engine.ts',
  '@dapr-platform/constructs/internal': 'constructs/internal.ts',
  '@dapr-platform/terraform': 'constructs/terraform/index.ts',
};

/**
 * Makes Node.js resolve the package names to the sources (a `Module._resolveFilename` hook), or,
 * with `outDir`, to the same files compiled by tsc into that folder (`build/` of tsconfig.build.json).
 */
function resolveToSources(outDir) {
  const Module = require('module');
  const root = outDir ?? path.resolve(__dirname, '..');
  const file = (source) => path.join(root, outDir ? source.replace(/\.ts$/, '.js') : source);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveOwnPackages(request, ...rest) {
    const source = PACKAGE_SOURCES[request];
    return source === undefined ? resolveFilename.call(this, request, ...rest) : file(source);
  };
}

module.exports = { PACKAGE_SOURCES, resolveToSources };

