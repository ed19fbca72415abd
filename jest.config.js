/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }],
  },
  // The repo links itself as node_modules/pulumi-codeocean (scripts/link-self.js) so that
  // tests reach the provider exactly as an installed user does; never crawl that link.
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/node_modules/pulumi-codeocean"],
  testTimeout: 60000,
  // One worker per core, not jest's cores − 1: most suites wait on the emulator's clock and the
  // engine rather than compute, so on a 2-core machine two workers halve the wall time.
  maxWorkers: "100%",
  // test.concurrent (the YAML suite's independent scenarios) two at a time: each runs the CLI,
  // a language host and plugin processes, and the machine has two cores.
  maxConcurrency: 2,
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
  // The Pulumi CLI for the end-to-end suites, provided as `npm run demo` provides it.
  globalSetup: "<rootDir>/test/helpers/globalSetup.js",
};
