/**
 * `npm run sandbox -- [--port 4566] [--scenario <file>] [--latency <ms>] [--throttle <rate>] [--seed <n>]`:
 * runs the AWS sandbox in the foreground until Ctrl-C.
 */
import { defaultScenarioPath, sandboxCredentials, startSandbox, type SandboxOptions } from "./index";

const usage = `Offboard AWS sandbox: Organizations, STS, IAM, Account Management, Secrets Manager and S3 on one local port.

Usage: npm run sandbox -- [options]

  --port <n>         port to listen on (default 4566; 0 = any free port)
  --host <address>   address to listen on (default 127.0.0.1)
  --scenario <file>  YAML or JSON scenario (default ${defaultScenarioPath})
  --latency <ms>     added latency per AWS call
  --throttle <rate>  fraction of AWS calls answered with the service's throttling error (0-1)
  --seed <n>         seed for ids, OTPs and throttling (default 1)
  --help             this text

Control API: GET /_sandbox/counters, POST /_sandbox/counters/reset, GET|POST /_sandbox/faults,
GET /_sandbox/state, POST /_sandbox/accounts/<id> {"paymentMethod":true}, GET /_sandbox/otp/<id>`;

function parseArgs(argv: string[]): SandboxOptions {
  const options: SandboxOptions = { port: 4566, faults: {} };
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case "--help":
      case "-h":
        console.log(usage);
        process.exit(0);
        break;
      case "--port":
        options.port = number(flag, value);
        i++;
        break;
      case "--host":
        if (!value) throw new Error("--host needs an address");
        options.host = value;
        i++;
        break;
      case "--scenario":
        if (!value) throw new Error("--scenario needs a file");
        options.scenario = value;
        i++;
        break;
      case "--latency":
        options.faults!.latencyMs = number(flag, value);
        i++;
        break;
      case "--throttle":
        options.faults!.throttleRate = number(flag, value);
        i++;
        break;
      case "--seed":
        options.seed = number(flag, value);
        i++;
        break;
      default:
        throw new Error(`unknown option ${flag} (see --help)`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox(parseArgs(process.argv.slice(2)));
  console.log(`Offboard AWS sandbox listening on ${sandbox.url}`);
  console.log(
    `Use it with:\n  export AWS_ENDPOINT_URL=${sandbox.url}\n  export AWS_REGION=us-east-1\n  export AWS_ACCESS_KEY_ID=${sandboxCredentials.accessKeyId}\n  export AWS_SECRET_ACCESS_KEY=${sandboxCredentials.secretAccessKey}`,
  );
  console.log("(S3 clients need forcePathStyle: true.) Ctrl-C stops it.");
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
