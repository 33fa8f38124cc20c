// The Temporal runtime of this process: how loud the SDK's logs are (native core logs are
// forwarded to the same logger) and, optionally, where Prometheus metrics are served. It
// must be installed before the first connection is made, and only once.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { KAIZEN_HISTOGRAM_BUCKETS } from '../../core/metrics.js';

export interface RuntimeOptions {
  level: LogLevel;
  /** e.g. '0.0.0.0:9464': serve Prometheus metrics there. */
  metricsBindAddress?: string;
}

export function installRuntime(options: RuntimeOptions): void {
  Runtime.install({
    logger: new DefaultLogger(options.level),
    telemetryOptions: {
      logging: { filter: { core: options.level === 'ERROR' ? 'ERROR' : 'WARN', other: 'ERROR' }, forward: {} },
      ...(options.metricsBindAddress
        ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress, histogramBucketOverrides: KAIZEN_HISTOGRAM_BUCKETS } } }
        : {}),
    },
  });
}
