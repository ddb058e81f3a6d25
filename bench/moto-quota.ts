import { fileURLToPath } from "node:url";

/**
 * The environment that raises moto's AD Connector quota from AWS's default of 10 per region to 200
 * (bench/moto-quota/sitecustomize.py), as AWS Support raises it for an estate of 100 directories.
 *
 * @example
 * ```ts
 * const moto = await startMoto({ environment: raisedConnectorQuota });
 * ```
 */
export const raisedConnectorQuota = { PYTHONPATH: fileURLToPath(new URL("./moto-quota/", import.meta.url)) };
