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
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
};
