import { graphql } from '../__generated__';

graphql(`
  fragment MoneyFields on Money {
    amount
    currency
  }
`);

export const BILLING = graphql(`
  query Billing($organizationId: ID!) {
    organization(id: $organizationId) {
      id
      wallet {
        balance {
          ...MoneyFields
        }
        available {
          ...MoneyFields
        }
      }
      currentBill {
        period {
          label
        }
        asOf
        subtotal {
          ...MoneyFields
        }
        vat {
          ...MoneyFields
        }
        total {
          ...MoneyFields
        }
        projectedTotal {
          ...MoneyFields
        }
        lines(first: 100) {
          edges {
            node {
              description
              quantity
              unit
              hours
              unitPrice {
                ...MoneyFields
              }
              amount {
                ...MoneyFields
              }
              virtualMachine {
                id
                name
              }
            }
          }
          pageInfo {
            hasNextPage
          }
        }
      }
      bills(first: 24) {
        edges {
          node {
            id
            invoiceNumber
            status
            period {
              label
            }
            total {
              ...MoneyFields
            }
            issuedAt
            paidAt
            invoiceUrl
          }
        }
      }
    }
  }
`);

export const CREATE_TOP_UP = graphql(`
  mutation CreateTopUp($input: CreateTopUpInput!) {
    createTopUp(input: $input) {
      id
      status
      amount {
        ...MoneyFields
      }
      checkoutUrl
    }
  }
`);

export const TOP_UP = graphql(`
  query TopUpStatus($id: ID!) {
    topUp(id: $id) {
      id
      status
      credited
      failureReason
      checkoutUrl
    }
  }
`);
