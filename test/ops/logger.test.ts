import { createLogger, redactUrl } from "../../adapters/log/logger";

/** A logger writing into an array, so the test reads exactly what would reach stdout. */
function capturedLogger(): { logger: ReturnType<typeof createLogger>; output: () => string } {
  const lines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => void lines.push(line) });
  return { logger, output: () => lines.join("") };
}

const secrets = {
  password: "sandbox-password-123",
  token: "sandbox-token-456",
  secret: "sandbox-secret-789",
  key: "sandbox-key-abc",
  authorization: "Bearer sandbox-bearer-def",
  SecretString: "sandbox-secretstring-ghi",
  ciphertext: "sandbox-ciphertext-jkl",
  botToken: "xoxb-sandbox-bot-token",
  signingSecret: "test-signing-secret",
  appPassword: "sandbox-app-password",
};

describe("the logger", () => {
  it("prints none of the secret fields, at the top level or nested", () => {
    const { logger, output } = capturedLogger();
    logger.info(
      { ...secrets, nested: { deeper: { evenDeeper: { ...secrets } } }, list: [{ ...secrets }] },
      "everything",
    );
    const text = output();
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    expect(text).toContain("[redacted]");
    expect(JSON.parse(text).nested.deeper.evenDeeper.password).toBe("[redacted]");
  });

  it("censors request headers and keeps the harmless ones", () => {
    const { logger, output } = capturedLogger();
    logger.info(
      {
        headers: {
          authorization: "Bearer sandbox-bearer",
          cookie: "offboard_admin=sandbox-cookie",
          "user-agent": "jest",
        },
      },
      "request",
    );
    const logged = JSON.parse(output());
    expect(logged.headers.authorization).toBe("[redacted]");
    expect(logged.headers.cookie).toBe("[redacted]");
    expect(logged.headers["user-agent"]).toBe("jest");
  });

  it("matches secret keys whatever their spelling", () => {
    const { logger, output } = capturedLogger();
    logger.warn({
      slackBotToken: "sandbox-a",
      MicrosoftAppPassword: "sandbox-b",
      "x-api-key": "sandbox-c",
      SecretAccessKey: "sandbox-d",
      caseId: "OFB-2026-0001",
    });
    const text = output();
    for (const value of ["sandbox-a", "sandbox-b", "sandbox-c", "sandbox-d"]) expect(text).not.toContain(value);
    expect(text).toContain("OFB-2026-0001");
  });

  it("strips link tokens and fragments from URLs in fields, messages and errors", () => {
    const { logger, output } = capturedLogger();
    const link = "https://bot.example.com/r/sandbox-link-token#k=sandbox-fragment-key";
    logger.info({ url: link }, `sent ${link}`);
    logger.error({ err: new Error(`could not open ${link}`) }, "failed");
    const text = output();
    expect(text).not.toContain("sandbox-link-token");
    expect(text).not.toContain("sandbox-fragment-key");
    expect(text).toContain("https://bot.example.com/r/[redacted]");
  });

  it("censors Slack tokens and bearer credentials inside free text", () => {
    const { logger, output } = capturedLogger();
    logger.info("token was xoxb-1234-sandbox and header Bearer sandbox-bearer-zz");
    expect(output()).not.toMatch(/1234-sandbox|sandbox-bearer-zz/);
  });
});

describe("redactUrl", () => {
  it("removes the fragment", () => {
    expect(redactUrl("https://x.example/page#secret-key")).toBe("https://x.example/page");
  });

  it("replaces the credential link token", () => {
    expect(redactUrl("/r/abcDEF123_-?via=dm")).toBe("/r/[redacted]?via=dm");
    expect(redactUrl("http://127.0.0.1:3000/d/deposit-token")).toBe("http://127.0.0.1:3000/d/[redacted]");
  });

  it("censors secret query parameters and keeps the others", () => {
    expect(redactUrl("/admin/queues?token=sandbox-admin-token-1234&page=2")).toBe(
      "/admin/queues?token=[redacted]&page=2",
    );
  });

  it("leaves ordinary paths alone", () => {
    expect(redactUrl("/demo/api/state?user=U-CAROL")).toBe("/demo/api/state?user=U-CAROL");
    expect(redactUrl("/readyz")).toBe("/readyz");
  });
});
