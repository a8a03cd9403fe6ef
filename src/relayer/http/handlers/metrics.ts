import { PROMETHEUS_CONTENT_TYPE } from "../../metrics.js";
import type { Handler } from "../handler.js";

/** `GET /metrics`: the service's metrics in the Prometheus text format. */
export const metrics: Handler = async ({ service }) => {
  return { status: 200, text: await service.metrics(), contentType: PROMETHEUS_CONTENT_TYPE };
};
