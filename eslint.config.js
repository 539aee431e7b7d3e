const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      "test-output/**",
      "bench/results/**",
      "adapters/web/static/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Prettier wraps code at 120; this catches the comments it leaves alone. Long strings stay whole (searchable).
      "max-len": [
        "error",
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/main.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@slack/*", "botbuilder*", "@aws-sdk/*", "ioredis", "bullmq", "pino", "express"],
              message: "The core imports no SDK: put it in adapters/ or jobs/.",
            },
            {
              group: ["**/adapters/**", "**/jobs/**"],
              message: "The core does not import adapters or jobs; src/main.ts wires them.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["*.js", "**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        module: "writable",
        require: "readonly",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
