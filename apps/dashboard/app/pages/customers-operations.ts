import { graphql } from '../__generated__';

export const CUSTOMERS = graphql(`
  query Customers($organizationId: ID!, $after: String) {
    organization(id: $organizationId) {
      id
      kind
      children(first: 50, after: $after) {
        totalCount
        edges {
          node {
            id
            name
            kind
            status
            resourceSummary {
              vmCount
              running
              vcpuTotal
              memoryGib
            }
            wallet {
              balance {
                amount
                currency
              }
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      commissionRate {
        tier
        basisPoints
      }
      commissionStatements(first: 24) {
        edges {
          node {
            id
            period {
              label
            }
            status
            base {
              amount
              currency
            }
            amount {
              amount
              currency
            }
            rate {
              basisPoints
            }
            computedAt
            paidAt
          }
        }
      }
    }
  }
`);
