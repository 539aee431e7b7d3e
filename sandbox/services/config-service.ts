import { AwsError, unsupportedOperation } from "../aws-error";
import { stringInput, type Call, type JsonInput, type JsonOutput } from "../call";

/**
 * AWS Config (JSON 1.1, `X-Amz-Target: StarlingDoveService.<Operation>`), the calling account's recorder and
 * delivery channels: what Offboard needs to stop Config delivering to a bucket it deletes (AWS Config API reference:
 * DescribeDeliveryChannels, DescribeConfigurationRecorderStatus, StopConfigurationRecorder, DeleteDeliveryChannel).
 */
export function configService(call: Call, input: JsonInput): JsonOutput {
  const config = call.state.accounts.get(call.accountId)!.config;
  switch (call.operation) {
    case "DescribeDeliveryChannels":
      return {
        DeliveryChannels: [...config.deliveryChannels.values()].map((c) => ({
          name: c.name,
          s3BucketName: c.s3BucketName,
        })),
      };
    case "DescribeConfigurationRecorderStatus":
      return {
        ConfigurationRecordersStatus: [...config.recorders.values()].map((r) => ({
          name: r.name,
          recording: r.recording,
          lastStatus: r.recording ? "SUCCESS" : "PENDING",
        })),
      };
    case "StopConfigurationRecorder": {
      const name = stringInput(input, "ConfigurationRecorderName") ?? "";
      const recorder = config.recorders.get(name);
      if (!recorder)
        throw new AwsError(
          "NoSuchConfigurationRecorderException",
          `Cannot find configuration recorder with the specified name '${name}'.`,
        );
      recorder.recording = false;
      return {};
    }
    // AWS Config API reference, DeleteDeliveryChannel: "Before you can delete the delivery channel, you must stop
    // the customer managed configuration recorder" (LastDeliveryChannelDeleteFailedException).
    case "DeleteDeliveryChannel": {
      const name = stringInput(input, "DeliveryChannelName") ?? "";
      if (!config.deliveryChannels.has(name))
        throw new AwsError(
          "NoSuchDeliveryChannelException",
          `Cannot find delivery channel with specified name '${name}'.`,
        );
      if ([...config.recorders.values()].some((r) => r.recording))
        throw new AwsError(
          "LastDeliveryChannelDeleteFailedException",
          `Failed to delete last specified delivery channel with name '${name}', because there is a running configuration recorder.`,
        );
      config.deliveryChannels.delete(name);
      return {};
    }
    default:
      throw unsupportedOperation("config", call.operation);
  }
}
