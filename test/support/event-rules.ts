import {
  type EventBridgeClient,
  type InputTransformer,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

/**
 * Puts a rule with `pattern` on the clients' default bus with an SQS queue (`<name>-deliveries`) as
 * its target, and returns the queue's URL: moto cannot deliver to Step Functions, and it delivers
 * during PutEvents, so the queue holds every matched event as soon as PutEvents returns. moto hands an
 * SQS target the whole event whatever the target's `Input`; an `inputTransformer` shapes what arrives.
 *
 * @example
 * ```ts
 * const queueUrl = await ruleToQueue({ events, sqs, name: "radius-sync-prod-directory-changes", pattern });
 * ```
 */
export async function ruleToQueue(options: {
  events: EventBridgeClient;
  sqs: SQSClient;
  name: string;
  pattern: unknown;
  inputTransformer?: InputTransformer;
}): Promise<string> {
  const { events, sqs, name } = options;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-deliveries` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(options.pattern) }));
  await events.send(
    new PutTargetsCommand({
      Rule: name,
      Targets: [
        {
          Id: "deliveries",
          Arn: Attributes?.QueueArn,
          ...(options.inputTransformer ? { InputTransformer: options.inputTransformer } : {}),
        },
      ],
    }),
  );
  return QueueUrl ?? "";
}
