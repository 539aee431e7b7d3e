import { partnerTrust, principalAccount, withoutPartnerTrust } from "./partner-trust";

const partner = {
  managementAccountId: "111111111111",
  partnerAccountIds: ["888888888888"],
  partnerProviderArns: ["arn:aws:iam::222222222222:saml-provider/CTL-SSO"],
};
const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("the partner's trust in a role's trust policy", () => {
  it("reads every way a principal names an account", () => {
    expect(principalAccount("111111111111")).toBe("111111111111");
    expect(principalAccount("arn:aws:iam::111111111111:root")).toBe("111111111111");
    expect(principalAccount("arn:aws:sts::111111111111:assumed-role/x/y")).toBe("111111111111");
    expect(principalAccount("arn:aws-us-gov:iam::111111111111:role/x")).toBe("111111111111");
    expect(principalAccount("*")).toBeUndefined();
  });

  it("finds the management account, partner accounts and partner providers, not Deny or services", () => {
    const text = doc(
      { Effect: "Allow", Principal: { AWS: ["111111111111", "arn:aws:iam::333333333333:root"] } },
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::888888888888:role/ops" } },
      { Effect: "Allow", Principal: { Federated: "arn:aws:iam::222222222222:saml-provider/CTL-SSO" } },
      { Effect: "Deny", Principal: { AWS: "arn:aws:iam::111111111111:root" } },
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" } },
    );
    expect(partnerTrust(text, partner)).toEqual({
      foundBy: ["trust:management-account", "trust:partner-account", "trust:partner-provider"],
      principals: [
        "111111111111",
        "arn:aws:iam::888888888888:role/ops",
        "arn:aws:iam::222222222222:saml-provider/CTL-SSO",
      ],
    });
    expect(partnerTrust("not json", partner)).toEqual({ foundBy: [], principals: [] });
  });

  it("removes the partner's principals and the statements they leave empty, and nothing else", () => {
    const text = doc(
      {
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::111111111111:root", "333333333333"] },
        Action: "sts:AssumeRole",
      },
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::888888888888:root" }, Action: "sts:AssumeRole" },
    );
    expect(withoutPartnerTrust(text, [], partner, "222222222222")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "333333333333" }, Action: "sts:AssumeRole" }],
    });
    expect(
      withoutPartnerTrust(doc({ Effect: "Allow", Principal: { Service: "x" } }), [], partner, "2"),
    ).toBeUndefined();
  });

  it("leaves a role trusted by the partner alone as trusting only its own account", () => {
    const text = doc({ Effect: "Allow", Principal: { AWS: "111111111111" }, Action: "sts:AssumeRole" });
    expect(withoutPartnerTrust(text, [], partner, "222222222222")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
    });
  });
});
