/** `npm run demo`: not built yet. Says what it will do and fails, rather than pretend. */
console.error(
  "npm run demo will start a private Redis, the AWS sandbox and the bot with a demo channel at http://127.0.0.1:3000.\n" +
    "It is not built yet (see the open issue \"Demo and shipping\").",
);
process.exit(1);
