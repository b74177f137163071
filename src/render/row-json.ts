/**
 * A row's fields as JSON, serialised once however many places need it (the result log writes it
 * in every record of the row; the webhook's default body is the same text).
 */
const cache = new WeakMap<object, string>();

/** JSON.stringify(fields), remembered for the fields object. */
export function rowJson(fields: Readonly<Record<string, unknown>>): string {
  let json = cache.get(fields);
  if (json === undefined) {
    json = JSON.stringify(fields);
    cache.set(fields, json);
  }
  return json;
}
