import { retryPriority, roundRobinPriority } from "./fair-share";

it("gives every case's n-th account the same priority, so cases take turns", () => {
  expect([0, 1, 2].map(roundRobinPriority)).toEqual([1, 2, 3]);
});

it("keeps runs longer than BullMQ's range within it", () => {
  expect(roundRobinPriority(5_000_000)).toBe(2_097_151);
});

it("puts an asked-for retry ahead of every run's second account", () => {
  expect(retryPriority).toBeLessThanOrEqual(roundRobinPriority(0));
});
