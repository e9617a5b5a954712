/**
 * An array parameter as PostgreSQL's array literal (`{a,b,c}`), for elements that never need quoting:
 * uuids, ISO timestamps, numbers. node-postgres quotes and escapes every element of an array parameter
 * (two regular expressions each); a batch of thousands of uuids sent several times a request makes that
 * visible. Cast it in SQL as usual (`${plainArrayLiteral(ids)}::uuid[]`). Elements must already be known to
 * be of that kind (read from the database, or validated): one holding a comma, brace, quote, backslash or
 * space would not be one element.
 */
export function plainArrayLiteral(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}
