/** A VAT rate in basis points (1500 = 15 %), in force from `effectiveFrom` until the next one starts. */
export interface VatRate {
  readonly id: string;
  readonly basisPoints: number;
  readonly effectiveFrom: Date;
}
