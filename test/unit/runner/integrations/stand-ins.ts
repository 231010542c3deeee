/** Local stand-ins for the external services of the seed examples: the `snow` CLI and HTTP downloads. */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { standIn } from '../helpers.ts';
import { scratch } from '../workspace/git-repos.ts';

/** A folder holding a stand-in `snow`: it echoes its arguments and which credentials it received. */
export async function snowStandIn(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const bin = await scratch(t, 'osprey-snow-');
  const snow = join(bin, 'snow');
  await writeFile(
    snow,
    [
      '#!/bin/sh',
      'echo "snow $*"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
      'echo "account=${SNOWFLAKE_ACCOUNT:-missing} user=${SNOWFLAKE_USER:-missing} password=${SNOWFLAKE_PASSWORD:+present} home=${SNOWFLAKE_HOME:+set}"',
      'if [ "$1" = "--info" ]; then echo "password is $SNOWFLAKE_PASSWORD"; fi',
      'if [ "$1" = "fail" ]; then echo "connection refused" >&2; exit 2; fi',
      '',
    ].join('\n'),
  );
  await chmod(snow, 0o755);
  return bin;
}

export const ORDERS_CSV = [
  'order_id,customer_name,customer_email,product_id,price,quantity,total',
  '1,Kelly Olsen,jenniferschneider@example.com,20,166.89,1,166.89',
  '2,Miguel Duncan,mcdonaldjoshua@example.com,14,33.86,3,101.58',
  '3,Abigail Pugh,qmartinez@example.org,2,10.32,2,20.64',
  '',
].join('\n');

/** An HTTP server answering every path with a fixed body. */
export function fileServer(body: string, contentType: string) {
  return standIn((_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    res.end(body);
  });
}
