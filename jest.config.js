/** Jest runs TypeScript through ts-jest; every test talks to the real Redis in REDIS_URL. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/src", "<rootDir>/adapters", "<rootDir>/jobs", "<rootDir>/sandbox", "<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 30000,
  maxWorkers: 2,
};
