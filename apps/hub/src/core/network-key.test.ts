import { describe, expect, it } from "vitest";
import { addressKeys } from "./network-key.js";

describe("addressKeys", () => {
  it("groups IPv4 by address and /24, IPv6 by /64 and /48, and treats mapped IPv4 as IPv4", () => {
    expect(addressKeys("127.0.0.7")).toEqual({ host: "127.0.0.7", network: "127.0.0.0/24" });
    expect(addressKeys("::ffff:10.1.2.3")).toEqual({ host: "10.1.2.3", network: "10.1.2.0/24" });
    expect(addressKeys("2001:db8:aa:bb:1::9")).toEqual({ host: "2001:db8:aa:bb::/64", network: "2001:db8:aa::/48" });
    expect(addressKeys("2001:db8:aa:bb:ffff::1").host).toBe(addressKeys("2001:db8:aa:bb::2").host);
    expect(addressKeys("::1")).toEqual({ host: "0:0:0:0::/64", network: "0:0:0::/48" });
    expect(addressKeys("unknown")).toEqual({ host: "unknown", network: "unknown" });
  });
});
