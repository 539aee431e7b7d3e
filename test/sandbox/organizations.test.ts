import {
  AcceptHandshakeCommand,
  AccountNotFoundException,
  ConcurrentModificationException,
  ConstraintViolationException,
  DescribeAccountCommand,
  DescribeHandshakeCommand,
  DescribeOrganizationCommand,
  HandshakeAlreadyInStateException,
  HandshakeConstraintViolationException,
  InvalidHandshakeTransitionException,
  ListDelegatedAdministratorsCommand,
  ListDelegatedServicesForAccountCommand,
  LeaveOrganizationCommand,
  ListAccountsCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListHandshakesForAccountCommand,
  RemoveAccountFromOrganizationCommand,
  TooManyRequestsException,
  AWSOrganizationsNotInUseException,
  paginateListAccounts,
} from "@aws-sdk/client-organizations";
import { GetPrimaryEmailCommand, ResourceNotFoundException } from "@aws-sdk/client-account";
import { startSandbox, type Sandbox } from "../../sandbox";
import { assumeMemberRole, clients } from "./sandbox-clients";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => sandbox.setFaults({ latencyMs: 0, throttleRate: 0, concurrentModificationBurst: 0 }));

describe("the partner's organization, seen from its management account", () => {
  it("describes the organization and its management account", async () => {
    const out = await clients(sandbox).organizations.send(new DescribeOrganizationCommand({}));
    expect(out.Organization).toMatchObject({ Id: "o-partner0001", MasterAccountId: "111111111111", FeatureSet: "ALL" });
  });

  it("pages ListAccounts with NextToken and MaxResults, losing and repeating no account", async () => {
    const org = clients(sandbox).organizations;
    const first = await org.send(new ListAccountsCommand({ MaxResults: 2 }));
    expect(first.Accounts).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client: org, pageSize: 2 }, {})) {
      pages++;
      ids.push(...(page.Accounts ?? []).map((a) => a.Id!));
    }
    expect(pages).toBe(3);
    expect(ids).toEqual(["111111111111", "222222222222", "333333333333", "444444444444", "555555555555"]);
    expect(first.Accounts![0].JoinedTimestamp).toBeInstanceOf(Date);
  });

  it("refuses to remove the account without a payment method with its ConstraintViolationException reason", async () => {
    const org = clients(sandbox).organizations;
    const error = await org
      .send(new RemoveAccountFromOrganizationCommand({ AccountId: "333333333333" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConstraintViolationException);
    expect((error as ConstraintViolationException).Reason).toBe("MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED");
    expect(sandbox.state.accounts.get("333333333333")!.organizationId).toBe("o-partner0001");
  });

  it("reports WAIT_PERIOD_ACTIVE for an account too new to leave, and removes it once conditions allow", async () => {
    const org = clients(sandbox).organizations;
    sandbox.setAccountConditions("333333333333", { paymentMethod: true, tooNew: true });
    const error = await org
      .send(new RemoveAccountFromOrganizationCommand({ AccountId: "333333333333" }))
      .catch((e: unknown) => e);
    expect((error as ConstraintViolationException).Reason).toBe("WAIT_PERIOD_ACTIVE");

    const control = await fetch(`${sandbox.url}/_sandbox/accounts/333333333333`, {
      method: "POST",
      body: JSON.stringify({ tooNew: false }),
    });
    expect(control.status).toBe(200);
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: "333333333333" }));
    const gone = await org.send(new DescribeAccountCommand({ AccountId: "333333333333" })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(AccountNotFoundException);
  });

  it("lists the trusted services", async () => {
    const out = await clients(sandbox).organizations.send(new ListAWSServiceAccessForOrganizationCommand({}));
    expect(out.EnabledServicePrincipals?.map((s) => s.ServicePrincipal)).toContain("account.amazonaws.com");
  });
});

describe("a member joining its new organization", () => {
  it("cannot accept the invitation while still a member (ALREADY_IN_AN_ORGANIZATION), and can once it has left", async () => {
    const member = clients(sandbox, await assumeMemberRole(sandbox, "444444444444")).organizations;
    const { Handshakes } = await member.send(new ListHandshakesForAccountCommand({}));
    expect(Handshakes).toHaveLength(1);
    const invitation = Handshakes![0];
    expect(invitation).toMatchObject({ State: "OPEN", Action: "INVITE" });
    expect(invitation.Resources?.[0]).toMatchObject({ Type: "ORGANIZATION", Value: "o-newhome0001" });

    const refused = await member
      .send(new AcceptHandshakeCommand({ HandshakeId: invitation.Id }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HandshakeConstraintViolationException);
    expect((refused as HandshakeConstraintViolationException).Reason).toBe("ALREADY_IN_AN_ORGANIZATION");

    await member.send(new LeaveOrganizationCommand({}));
    expect(await member.send(new DescribeOrganizationCommand({})).catch((e: unknown) => e)).toBeInstanceOf(
      AWSOrganizationsNotInUseException,
    );

    const accepted = await member.send(new AcceptHandshakeCommand({ HandshakeId: invitation.Id }));
    expect(accepted.Handshake?.State).toBe("ACCEPTED");
    expect((await member.send(new DescribeHandshakeCommand({ HandshakeId: invitation.Id }))).Handshake?.State).toBe(
      "ACCEPTED",
    );
    const now = await member.send(new DescribeOrganizationCommand({}));
    expect(now.Organization?.Id).toBe("o-newhome0001");
  });
});

describe("what keeps an account from leaving or joining, as AWS documents it", () => {
  it("applies the waiting period only to an account created in the organization, from JoinedMethod and JoinedTimestamp", async () => {
    const org = clients(sandbox).organizations;
    sandbox.setAccountConditions("555555555555", { tooNew: true });
    const created = (await org.send(new DescribeAccountCommand({ AccountId: "555555555555" }))).Account!;
    expect(created.JoinedMethod).toBe("CREATED");
    expect(Date.now() - created.JoinedTimestamp!.getTime()).toBeLessThan(4 * 86_400_000);
    const refused = await org
      .send(new RemoveAccountFromOrganizationCommand({ AccountId: "555555555555" }))
      .catch((e: unknown) => e);
    expect((refused as ConstraintViolationException).Reason).toBe("WAIT_PERIOD_ACTIVE");
    sandbox.setAccountConditions("555555555555", { tooNew: false });
    const older = (await org.send(new DescribeAccountCommand({ AccountId: "555555555555" }))).Account!;
    expect(Date.now() - older.JoinedTimestamp!.getTime()).toBeGreaterThan(4 * 86_400_000);
  });

  it("lists delegated administrators and their services, and refuses to remove one", async () => {
    const org = clients(sandbox).organizations;
    sandbox.state.organizations.get("o-partner0001")!.delegatedAdministrators.push({
      accountId: "555555555555",
      servicePrincipal: "guardduty.amazonaws.com",
      delegationEnabledDate: new Date(),
    });
    try {
      const admins = await org.send(new ListDelegatedAdministratorsCommand({}));
      expect(admins.DelegatedAdministrators?.map((a) => a.Id)).toEqual(["555555555555"]);
      const services = await org.send(new ListDelegatedServicesForAccountCommand({ AccountId: "555555555555" }));
      expect(services.DelegatedServices?.map((s) => s.ServicePrincipal)).toEqual(["guardduty.amazonaws.com"]);
      const refused = await org
        .send(new RemoveAccountFromOrganizationCommand({ AccountId: "555555555555" }))
        .catch((e: unknown) => e);
      expect((refused as ConstraintViolationException).Reason).toBe("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
    } finally {
      sandbox.state.organizations.get("o-partner0001")!.delegatedAdministrators = [];
    }
  });

  it("refuses to accept an expired, a cancelled or an already accepted invitation", async () => {
    const account = sandbox.state.accounts.get("444444444444")!;
    const member = clients(sandbox, await assumeMemberRole(sandbox, "444444444444")).organizations;
    const handshake = (id: string, state: "OPEN" | "CANCELED" | "ACCEPTED", expiresInMs: number) =>
      sandbox.state.handshakes.set(id, {
        id,
        organizationId: "o-newhome0001",
        accountId: "444444444444",
        state,
        requestedTimestamp: new Date(Date.now() - 16 * 86_400_000),
        expirationTimestamp: new Date(Date.now() + expiresInMs),
      });
    const previous = account.organizationId;
    account.organizationId = undefined;
    try {
      handshake("h-expired", "OPEN", -1000);
      handshake("h-cancelled", "CANCELED", 86_400_000);
      handshake("h-accepted", "ACCEPTED", 86_400_000);
      const accept = (id: string) =>
        member.send(new AcceptHandshakeCommand({ HandshakeId: id })).catch((e: unknown) => e);
      expect(await accept("h-expired")).toBeInstanceOf(InvalidHandshakeTransitionException);
      expect(sandbox.state.handshakes.get("h-expired")!.state).toBe("EXPIRED");
      expect(await accept("h-cancelled")).toBeInstanceOf(InvalidHandshakeTransitionException);
      expect(await accept("h-accepted")).toBeInstanceOf(HandshakeAlreadyInStateException);
      expect(account.organizationId).toBeUndefined();
    } finally {
      account.organizationId = previous;
      for (const id of ["h-expired", "h-cancelled", "h-accepted"]) sandbox.state.handshakes.delete(id);
    }
  });

  it("reads a member's primary e-mail only while it is a member (GetPrimaryEmail)", async () => {
    const account = clients(sandbox).account;
    const out = await account.send(new GetPrimaryEmailCommand({ AccountId: "222222222222" }));
    expect(out.PrimaryEmail).toBe(sandbox.state.accounts.get("222222222222")!.email);
    expect(
      await account.send(new GetPrimaryEmailCommand({ AccountId: "777777777777" })).catch((e: unknown) => e),
    ).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("fault injection and counters", () => {
  it("answers a throttled call with the SDK's TooManyRequestsException when the client does not retry", async () => {
    sandbox.setFaults({ throttleRate: 1 });
    const error = await clients(sandbox)
      .organizations.send(new DescribeOrganizationCommand({}))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(sandbox.counters()["sandbox:throttled"]).toBeGreaterThanOrEqual(1);
  });

  it("lets a retrying client through a partial throttle", async () => {
    sandbox.setFaults({ throttleRate: 0.3 });
    const org = clients(sandbox, undefined, 10).organizations;
    for (let i = 0; i < 3; i++) await expect(org.send(new DescribeOrganizationCommand({}))).resolves.toBeDefined();
  });

  it("fails exactly the next N Organizations calls with ConcurrentModificationException", async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ concurrentModificationBurst: 2 }),
    });
    expect(await res.json()).toMatchObject({ concurrentModificationBurst: 2 });
    const org = clients(sandbox).organizations;
    for (let i = 0; i < 2; i++)
      expect(await org.send(new DescribeOrganizationCommand({})).catch((e: unknown) => e)).toBeInstanceOf(
        ConcurrentModificationException,
      );
    await expect(org.send(new DescribeOrganizationCommand({}))).resolves.toBeDefined();
  });

  it("counts calls per operation and per account, and resets", async () => {
    sandbox.resetCounters();
    const org = clients(sandbox).organizations;
    await org.send(new DescribeAccountCommand({ AccountId: "222222222222" }));
    await org.send(new DescribeAccountCommand({ AccountId: "222222222222" }));
    await org.send(new DescribeAccountCommand({ AccountId: "555555555555" }));
    const counters = (await (await fetch(`${sandbox.url}/_sandbox/counters`)).json()) as Record<string, number>;
    expect(counters["organizations:DescribeAccount"]).toBe(3);
    expect(counters["organizations:DescribeAccount:222222222222"]).toBe(2);
    expect(counters["organizations:DescribeAccount:555555555555"]).toBe(1);
    await fetch(`${sandbox.url}/_sandbox/counters/reset`, { method: "POST" });
    expect(sandbox.counters()).toEqual({});
  });

  it("adds the configured latency to each call", async () => {
    sandbox.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await clients(sandbox).organizations.send(new DescribeOrganizationCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("refuses a bad fault setting with a message", async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ throttleRate: 2 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/throttleRate must be a number from 0 to 1/);
  });
});
