// What can go wrong delivering a notification: a channel not configured on this worker, a
// receiver that refuses the message for good, and a delivery worth another attempt. Types in
// core/errors.ts.
import { ErrorType, KaizenError } from '../errors.js';

/** A channel's secret or setting is missing or unusable on this worker: retrying cannot help. */
export class NotificationNotConfiguredError extends KaizenError {
  readonly type = ErrorType.NotificationNotConfigured;
  constructor(
    readonly channel: string,
    /** The environment variable to set (its name, never its value). */
    readonly variable: string,
    problem: string,
  ) {
    super(`Notification channel '${channel}': ${problem}. Set ${variable} in the worker's environment, or change the channel in kaizen.config.json.`);
  }
  override details() {
    return { channel: this.channel, variable: this.variable };
  }
}

/** The receiver refused the message for good (HTTP 4xx, SMTP 5xx, bad credentials). Messages are redacted. */
export class NotificationRejectedError extends KaizenError {
  readonly type = ErrorType.NotificationRejected;
  constructor(
    readonly channel: string,
    readonly status: string,
    detail: string,
  ) {
    super(`Notification channel '${channel}' was refused (${status}): ${detail}`);
  }
  override details() {
    return { channel: this.channel, status: this.status };
  }
}

/** A delivery failed in a way a later attempt may not (5xx, 429, network, timeout). Messages are redacted. */
export class NotificationFailedError extends KaizenError {
  readonly type = ErrorType.NotificationFailed;
  constructor(
    readonly channel: string,
    detail: string,
  ) {
    super(`Notification channel '${channel}' could not be reached: ${detail}`);
  }
  override details() {
    return { channel: this.channel };
  }
}
