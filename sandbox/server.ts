import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AwsError } from "./aws-error";
import type { Call, JsonInput } from "./call";
import { Counters } from "./counters";
import { Faults, type FaultOptions } from "./faults";
import { writeError, writeJson, writeQuery, writeRaw, type Protocol } from "./protocols/wire";
import { defaultConditions, type AccountConditions } from "./scenario";
import { accountManagement } from "./services/account-management";
import { cloudtrail } from "./services/cloudtrail";
import { configService } from "./services/config-service";
import { iam } from "./services/iam";
import { organizations } from "./services/organizations";
import { s3, s3Operation, type S3Request } from "./services/s3";
import { secretsManager } from "./services/secrets-manager";
import { sts } from "./services/sts";
import { describeState, type Principal, type SandboxState } from "./state";

/**
 * The sandbox's HTTP server: one port for every service. A request is routed by its protocol —
 * JSON 1.1 by `X-Amz-Target`, the others by the service in the SigV4 credential scope
 * (`…/us-east-1/iam/aws4_request`) — and made by the account whose access key signed it (signatures
 * are not verified). `/_sandbox/…` is the control API for tests, the demo and benchmarks.
 */
interface Route {
  service: string;
  protocol: Protocol;
  operation: string;
  accessKeyId?: string;
  json?: JsonInput;
  query?: Record<string, string>;
  s3?: S3Request;
}

const maxBodyBytes = 16 * 1024 * 1024;

export class SandboxServer {
  readonly counters = new Counters();
  readonly faults: Faults;
  private readonly server: Server;

  constructor(
    readonly state: SandboxState,
    faults: FaultOptions = {},
  ) {
    this.faults = new Faults(state.random);
    this.faults.set(faults);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          writeRaw(
            res,
            500,
            { "content-type": "application/json" },
            JSON.stringify({ error: `sandbox failure: ${(error as Error).message}` }),
          );
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  setAccountConditions(accountId: string, conditions: Partial<AccountConditions>): void {
    const account = this.state.accounts.get(accountId);
    if (!account) throw new RangeError(`the sandbox has no account ${accountId}`);
    for (const [key, value] of Object.entries(conditions)) {
      if (!(key in defaultConditions))
        throw new RangeError(`unknown account condition "${key}"; known: ${Object.keys(defaultConditions).join(", ")}`);
      if (typeof value !== "boolean") throw new RangeError(`account condition ${key} must be true or false`);
    }
    account.conditions = { ...account.conditions, ...conditions };
    // The waiting period is AWS's rule on JoinedMethod/JoinedTimestamp: `tooNew` moves them (created a day ago).
    if (conditions.tooNew === true) {
      account.joinedMethod = "CREATED";
      account.joinedTimestamp = new Date(Date.now() - 86_400_000);
    } else if (conditions.tooNew === false && account.joinedTimestamp.getTime() > Date.now() - 5 * 86_400_000) {
      account.joinedTimestamp = new Date(Date.now() - 700 * 86_400_000);
    }
  }

  otp(accountId: string): string | undefined {
    const pending = this.state.accounts.get(accountId)?.pendingEmailUpdate;
    return pending && pending.expiresAt.getTime() > Date.now() ? pending.otp : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const body = await readBody(req);
    if (url.pathname.startsWith("/_sandbox/") || url.pathname === "/_sandbox")
      return this.control(req.method ?? "GET", url.pathname, body, res);

    let route: Route;
    try {
      route = routeOf(req, url, body);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      return writeRaw(
        res,
        error.status,
        { "content-type": "application/json" },
        JSON.stringify({ __type: error.code, message: error.message }),
      );
    }
    const fail = (error: AwsError) => writeError(res, route.protocol, route.service, error, req.method);

    const principal = route.accessKeyId ? this.state.credentials.get(route.accessKeyId) : undefined;
    this.counters.count(route.service, route.operation, subjectAccount(route, principal));
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (this.faults.shouldThrottle(`${route.service}:${route.operation}`)) {
      this.counters.bump("sandbox:throttled");
      return fail(throttling(route.service));
    }
    if (route.service === "organizations" && this.faults.takeConcurrentModification(route.operation)) {
      this.counters.bump("sandbox:concurrentModification");
      return fail(
        new AwsError(
          "ConcurrentModificationException",
          "AWS Organizations can't complete your request because it conflicts with another attempt to modify the same entity. Try again later.",
        ),
      );
    }

    const membershipChange = membershipChangeRefusal(route);
    if (membershipChange && this.faults.take("membershipChangeRateLimit")) {
      this.counters.bump("sandbox:membershipChangeRateLimit");
      return fail(membershipChange);
    }

    try {
      const call: Call = {
        state: this.state,
        principal: authenticate(route, principal),
        accountId: "",
        operation: route.operation,
        faults: this.faults,
      };
      call.accountId = call.principal.accountId;
      authorizeSession(this.state, route, call.principal);
      switch (route.service) {
        case "organizations":
          return writeJson(res, "json", organizations(call, route.json!));
        case "secretsmanager":
          return writeJson(res, "json", secretsManager(call, route.json!));
        case "cloudtrail":
          return writeJson(res, "json", cloudtrail(call, route.json!));
        case "config":
          return writeJson(res, "json", configService(call, route.json!));
        case "account":
          return writeJson(res, "rest-json", accountManagement(call, route.json!));
        case "iam":
          return writeQuery(res, "iam", route.operation, iam(call, route.query!));
        case "sts":
          return writeQuery(res, "sts", route.operation, sts(call, route.query!));
        case "s3": {
          const out = s3(call, route.s3!);
          return writeRaw(res, out.status, out.headers ?? {}, out.body);
        }
      }
    } catch (error) {
      if (error instanceof AwsError) return fail(error);
      throw error;
    }
  }

  private control(method: string, path: string, body: string, res: ServerResponse): void {
    const reply = (status: number, value: unknown) =>
      writeRaw(res, status, { "content-type": "application/json" }, JSON.stringify(value, null, 2));
    let input: Record<string, unknown> = {};
    if (body.trim()) {
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return reply(400, { error: "the body must be JSON" });
      }
    }
    try {
      if (method === "GET" && path === "/_sandbox/counters") return reply(200, this.counters.snapshot());
      if (method === "POST" && path === "/_sandbox/counters/reset") {
        this.counters.reset();
        return reply(200, {});
      }
      if (path === "/_sandbox/faults" && (method === "GET" || method === "POST")) {
        if (method === "POST") this.faults.set(input as FaultOptions);
        return reply(200, this.faults.get());
      }
      if (method === "GET" && path === "/_sandbox/state") return reply(200, describeState(this.state));
      const account = /^\/_sandbox\/accounts\/(\d{12})$/.exec(path);
      if (account && method === "POST") {
        this.setAccountConditions(account[1], input as Partial<AccountConditions>);
        return reply(200, { accountId: account[1], conditions: this.state.accounts.get(account[1])!.conditions });
      }
      const otp = /^\/_sandbox\/otp\/(\d{12})$/.exec(path);
      if (otp && method === "GET") {
        const code = this.otp(otp[1]);
        return code
          ? reply(200, {
              accountId: otp[1],
              otp: code,
              email: this.state.accounts.get(otp[1])!.pendingEmailUpdate!.email,
            })
          : reply(404, { error: `no pending primary e-mail update for account ${otp[1]}` });
      }
      return reply(404, { error: `unknown control endpoint ${method} ${path}; see sandbox/README.md` });
    } catch (error) {
      if (error instanceof RangeError) return reply(400, { error: error.message });
      throw error;
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error("request body too large for the sandbox"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const jsonTargets: Record<string, string> = {
  AWSOrganizationsV20161128: "organizations",
  secretsmanager: "secretsmanager",
  CloudTrail_20131101: "cloudtrail",
  "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
  StarlingDoveService: "config",
};

/** Works out service, protocol, operation and input of an AWS request. */
function routeOf(req: IncomingMessage, url: URL, body: string): Route {
  const auth = String(req.headers.authorization ?? "");
  const credential =
    /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth) ??
    /^([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(url.searchParams.get("X-Amz-Credential") ?? "");
  const accessKeyId = credential?.[1];
  const scopeService = credential?.[2];
  const target = req.headers["x-amz-target"];
  if (typeof target === "string" && target.includes(".")) {
    const prefix = target.slice(0, target.lastIndexOf("."));
    const operation = target.slice(target.lastIndexOf(".") + 1);
    const service = jsonTargets[prefix];
    if (!service)
      throw new AwsError("UnknownOperationException", `the Offboard sandbox does not serve X-Amz-Target ${target}`);
    let json: JsonInput;
    try {
      json = body ? (JSON.parse(body) as JsonInput) : {};
    } catch {
      throw new AwsError("SerializationException", "the request body is not valid JSON");
    }
    return { service, protocol: "json", operation, accessKeyId, json };
  }
  switch (scopeService) {
    case "iam":
    case "sts": {
      const query = Object.fromEntries(new URLSearchParams(body || url.search));
      return { service: scopeService, protocol: "query", operation: query.Action ?? "Unknown", accessKeyId, query };
    }
    case "account": {
      const operation = url.pathname.replace(/^\//, "");
      let json: JsonInput;
      try {
        json = body ? (JSON.parse(body) as JsonInput) : {};
      } catch {
        throw new AwsError("SerializationException", "the request body is not valid JSON");
      }
      return {
        service: "account",
        protocol: "rest-json",
        operation: operation.charAt(0).toUpperCase() + operation.slice(1),
        accessKeyId,
        json,
      };
    }
    case "s3": {
      // Path style: /<bucket>[/<key>]; the SDK writes bucket sub-resources as /<bucket>/?versioning.
      const [, bucket, ...rest] = url.pathname.split("/");
      const key = rest.join("/");
      const s3Request: S3Request = {
        method: req.method ?? "GET",
        bucket: bucket ? decodeURIComponent(bucket) : undefined,
        key: key ? decodeURIComponent(key) : undefined,
        query: url.searchParams,
        body,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(",") : (v ?? "")]),
        ),
      };
      return { service: "s3", protocol: "rest-xml", operation: s3Operation(s3Request), accessKeyId, s3: s3Request };
    }
    default:
      throw new AwsError(
        "MissingAuthenticationToken",
        `the Offboard sandbox could not tell the service of this request: sign it with SigV4 (service iam, sts, account or s3) or send X-Amz-Target; got ${auth ? `credential scope service "${scopeService}"` : "no Authorization header"}`,
        403,
      );
  }
}

/** The account a call acts on, for the per-account counters. */
function subjectAccount(route: Route, principal: Principal | undefined): string | undefined {
  const accountId = route.json?.AccountId;
  if (typeof accountId === "string") return accountId;
  if (route.query?.TargetPrincipal) return route.query.TargetPrincipal;
  const roleAccount = /^arn:aws:iam::(\d{12}):/.exec(route.query?.RoleArn ?? "")?.[1];
  return roleAccount ?? principal?.accountId;
}

/**
 * The refusal an account's membership change gets while it changes organizations too often: Organizations API
 * reference, ConstraintViolationException / HandshakeConstraintViolationException, reason
 * ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED. Undefined for calls that change no membership.
 */
function membershipChangeRefusal(route: Route): AwsError | undefined {
  if (route.service !== "organizations") return undefined;
  const reason = { Reason: "ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED" };
  const message = "You attempted to change the membership of an account too quickly after its previous change.";
  if (route.operation === "AcceptHandshake")
    return new AwsError("HandshakeConstraintViolationException", message, 400, reason);
  if (route.operation === "RemoveAccountFromOrganization" || route.operation === "LeaveOrganization")
    return new AwsError("ConstraintViolationException", message, 400, reason);
  return undefined;
}

function throttling(service: string): AwsError {
  switch (service) {
    case "organizations":
      return new AwsError(
        "TooManyRequestsException",
        "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.",
        400,
        { Type: "AWSOrganizationsThrottling" },
      );
    case "account":
      return new AwsError("TooManyRequestsException", "Rate exceeded", 429);
    case "iam":
    case "sts":
      return new AwsError("Throttling", "Rate exceeded", 400);
    case "s3":
      return new AwsError("SlowDown", "Please reduce your request rate.", 503);
    default:
      return new AwsError("ThrottlingException", "Rate exceeded", 400);
  }
}

function authenticate(route: Route, principal: Principal | undefined): Principal {
  const json = route.protocol === "json" || route.protocol === "rest-json";
  if (!principal) {
    if (route.protocol === "rest-xml")
      throw new AwsError(
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
        403,
      );
    if (json)
      throw new AwsError(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        route.protocol === "json" ? 400 : 403,
      );
    throw new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
  }
  if (principal.kind !== "root" && principal.expiresAt.getTime() <= Date.now()) {
    throw new AwsError(
      json ? "ExpiredTokenException" : "ExpiredToken",
      "The security token included in the request is expired",
      route.protocol === "query" ? 403 : 400,
    );
  }
  return principal;
}

/**
 * A role session can act only while its role exists and still has a policy: detaching the last one
 * takes away the session's own permissions, which is why Offboard hands the cross-account role back by
 * rewriting its trust policy instead of deleting it. Root sessions act only through IAM (task policy).
 */
function authorizeSession(state: SandboxState, route: Route, p: Principal): void {
  const denied = (why: string) => {
    const code = route.protocol === "query" || route.protocol === "rest-xml" ? "AccessDenied" : "AccessDeniedException";
    return new AwsError(code, `not authorized to perform ${route.service}:${route.operation}: ${why}`, 403);
  };
  if (p.kind === "role") {
    const role = state.accounts.get(p.accountId)?.iam.roles.get(p.roleName);
    if (!role) throw denied(`role ${p.roleName} no longer exists`);
    if (role.attachedPolicies.length === 0 && role.inlinePolicies.size === 0)
      throw denied(`role ${p.roleName} has no policy left`);
  }
  if (
    p.kind === "root-task" &&
    route.service !== "iam" &&
    !(route.service === "sts" && route.operation === "GetCallerIdentity")
  ) {
    throw denied(`the root session's task policy ${p.taskPolicy} allows only IAM root-credential actions`);
  }
}
