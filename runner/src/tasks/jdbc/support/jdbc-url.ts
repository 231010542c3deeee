/**
 * Kestra's JDBC URLs (`jdbc:postgresql://host:5432/db?user=u`, `jdbc:mariadb://host:3306/db`) read
 * into what the Node drivers take. `username`/`password` properties win over `user`/`password` in
 * the URL, as with JDBC drivers; other query parameters are kept for the driver to interpret.
 */

export interface ConnectionTarget {
  host: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  /** Remaining URL query parameters (`sslmode`, `connectTimeout`, ...). */
  options: Record<string, string>;
}

/**
 * Parse `url` for one of `schemes` (the first is the one named in messages). Returns a problem
 * sentence instead of a target when the URL cannot be used.
 */
export function parseJdbcUrl(
  url: string,
  schemes: readonly string[],
  defaultPort: number,
): ConnectionTarget | { problem: string } {
  const example = `jdbc:${schemes[0]}://host:${defaultPort}/database`;
  const m = /^jdbc:([a-z]+):(.*)$/i.exec(url.trim());
  if (m === null || !schemes.includes((m[1] as string).toLowerCase()))
    return { problem: `must be a JDBC URL such as ${example}, got '${redact(url)}'` };
  const rest = m[2] as string;
  let parsed: URL;
  try {
    parsed = new URL(rest.startsWith('//') ? `jdbc:${rest}` : `jdbc:///${rest}`);
  } catch {
    return { problem: `is not a valid JDBC URL (expected ${example}), got '${redact(url)}'` };
  }
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  const options: Record<string, string> = {};
  let user: string | undefined;
  let password: string | undefined;
  for (const [key, value] of parsed.searchParams) {
    if (key === 'user') user = value;
    else if (key === 'password') password = value;
    else options[key] = value;
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(database === '' ? {} : { database }),
    ...(parsed.username === '' ? {} : { user: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    options,
  };
}

/** A URL as it may appear in a message: without a password. */
export function redact(url: string): string {
  return url.replace(/(password=)[^&;]*/gi, '$1***').replace(/(\/\/[^/:@]+:)[^@/]*@/, '$1***@');
}
