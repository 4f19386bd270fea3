const { PACKAGE_SOURCES } = require('./scripts/package-sources');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // The packages' own names resolve to their sources (scripts/package-sources.js).
  moduleNameMapper: Object.fromEntries(
    Object.entries(PACKAGE_SOURCES).map(([name, file]) => [`^${name.replace(/[/.-]/g, (c) => `\\${c}`)}$`, `<rootDir>/${file}`]),
  ),
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
