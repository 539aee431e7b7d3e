import type { AccountSpec, IamSpec, Scenario } from "./scenario";

/**
 * A scenario of any size for benchmarks: `members` accounts in the partner's organization, each with
 * `artifactsPerAccount` partner IAM artifacts (roles, policies with versions, users with credentials,
 * groups, SAML/OIDC providers, in turn), the cross-account role, the two partner buckets and one
 * customer role that must stay. Every fifth account has a pending invitation from `o-newhome0001`.
 *
 * @example generateScenario({ members: 200, artifactsPerAccount: 10 })
 */
export function generateScenario(o: {
  members: number;
  artifactsPerAccount: number;
  managementAccountId?: string;
}): Scenario {
  const management = o.managementAccountId ?? "111111111111";
  if (!/^\d{12}$/.test(management)) throw new RangeError(`managementAccountId must be 12 digits (got ${management})`);
  if (!Number.isInteger(o.members) || o.members < 0 || o.members > 100_000)
    throw new RangeError("members must be an integer from 0 to 100000");
  if (!Number.isInteger(o.artifactsPerAccount) || o.artifactsPerAccount < 0)
    throw new RangeError("artifactsPerAccount must be a non-negative integer");
  const accounts: AccountSpec[] = [];
  for (let i = 0; i < o.members; i++) {
    const id = String(200_000_000_000 + i);
    accounts.push({
      id,
      name: `Customer account ${i + 1}`,
      email: `aws+member${i + 1}@ctl-managed.example`,
      iam: partnerIam(management, o.artifactsPerAccount),
      buckets: partnerBuckets(id),
    });
  }
  return {
    organization: {
      id: "o-partner0001",
      managementAccountId: management,
      managementAccountName: "Partner management",
      managementEmail: "aws-master@ctl.example",
      rootCredentialsManagement: true,
      rootSessions: true,
      enabledServices: ["account.amazonaws.com", "iam.amazonaws.com"],
    },
    otherOrganizations: [
      {
        id: "o-newhome0001",
        managementAccountId: management === "999999999999" ? "888888888888" : "999999999999",
        rootCredentialsManagement: false,
        rootSessions: false,
        enabledServices: [],
      },
    ],
    accounts,
    handshakes: accounts
      .filter((_, i) => i % 5 === 4)
      .map((a) => ({ from: "o-newhome0001", to: a.id, expiresInDays: 14 })),
  };
}

const tags = { ManagedBy: "CTL" };

function partnerIam(management: string, count: number): IamSpec {
  const iam: Required<Pick<IamSpec, "roles" | "policies" | "users" | "groups" | "samlProviders" | "oidcProviders">> = {
    roles: [
      {
        name: "OrganizationAccountAccessRole",
        trustedAccounts: [management],
        managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      },
      {
        name: "customer-app",
        trustedServices: ["lambda.amazonaws.com"],
        tags: { Team: "app" },
        inlinePolicies: {
          "customer-app": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }] },
        },
      },
    ],
    policies: [],
    users: [],
    groups: [],
    samlProviders: [],
    oidcProviders: [],
  };
  for (let n = 0; n < count; n++) {
    switch (n % 6) {
      case 0:
        iam.roles.push({
          name: `CTL-Role-${n}`,
          trustedAccounts: [management],
          tags,
          inlinePolicies: {
            [`CTL-Role-${n}-Inline`]: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "support:*", Resource: "*" }],
            },
          },
          managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
          instanceProfiles: [`CTL-Role-${n}-Profile`],
        });
        break;
      case 1:
        iam.policies.push({
          name: `CTL-Policy-${n}`,
          tags: n === 1 ? { ...tags, Optimization: "true" } : tags,
          versions: 3,
        });
        break;
      case 2:
        iam.users.push({
          name: `ctl-user-${n}`,
          tags,
          accessKeys: 1,
          loginProfile: true,
          mfaDevices: 1,
          signingCertificates: 1,
          managedPolicies: iam.policies.length > 0 ? [iam.policies[0].name] : [],
        });
        break;
      case 3:
        iam.groups.push({
          name: `CTL-Group-${n}`,
          managedPolicies: iam.policies.length > 0 ? [iam.policies[0].name] : [],
        });
        if (iam.users.length > 0)
          iam.users[iam.users.length - 1].groups = [
            ...(iam.users[iam.users.length - 1].groups ?? []),
            `CTL-Group-${n}`,
          ];
        break;
      case 4:
        iam.samlProviders.push({ name: `CTL-SSO-${n}`, tags });
        break;
      default:
        iam.oidcProviders.push({ url: `https://oidc-${n}.cam.ctl.example`, tags });
    }
  }
  return iam;
}

function partnerBuckets(id: string): AccountSpec["buckets"] {
  return [
    {
      name: `config-bucket-${id}`,
      tags,
      objects: [
        { key: "AWSLogs/config/snapshot.json.gz", versions: 2, deleteMarker: true },
        { key: "AWSLogs/config/history.json.gz", versions: 1 },
      ],
    },
    { name: `ctlaudit-${id}`, tags, objects: [{ key: "AWSLogs/trail/0001.json.gz", versions: 2 }] },
  ];
}
