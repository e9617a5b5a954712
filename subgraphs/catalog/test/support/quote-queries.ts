/** GraphQL documents shared by the quote tests. */
export const QUOTE_FIELDS = `
  id status pricedAt validUntil createdAt acceptedAt expiredAt
  organization { id }
  lines {
    position product { sku } spec { vcpu cpuSpeed memoryGib diskGib storageTier licences addOns }
    description quantity months hours unitMonthly { amount } amount { amount }
    components { sku quantity unitMonthly { amount } monthly { amount } priceEffectiveFrom }
  }
  subtotal { amount currency } vatRate { basisPoints percent effectiveFrom } vat { amount } total { amount }`;

export const CREATE_QUOTE = `mutation($org: ID!, $lines: [QuoteLineInput!]!, $startsAt: DateTime) {
  createQuote(organizationId: $org, lines: $lines, startsAt: $startsAt) { ${QUOTE_FIELDS} }
}`;
export const ACCEPT_QUOTE = `mutation($id: ID!) { acceptQuote(id: $id) { id status acceptedAt } }`;
export const EXPIRE_QUOTE = `mutation($id: ID!) { expireQuote(id: $id) { id status expiredAt } }`;
export const GET_QUOTE = `query($id: ID!) { quote(id: $id) { ${QUOTE_FIELDS} } }`;

/** Cents from "123.45". */
export const cents = (amount: string): bigint => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
};
