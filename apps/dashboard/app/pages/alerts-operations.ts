import { graphql } from '../__generated__';

graphql(`
  fragment AlertRow on Alert {
    id
    title
    summary
    severity
    status
    value
    startedAt
    firedAt
    respondBy
    acknowledgedAt
    acknowledgedBy
    resolvedAt
    virtualMachine {
      id
      name
    }
  }
`);

export const ALERTS = graphql(`
  query Alerts($organizationId: ID!, $status: [AlertStatus!]) {
    organization(id: $organizationId) {
      id
      alerts(scope: SUBTREE, filter: { status: $status }, first: 100) {
        edges {
          node {
            ...AlertRow
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  }
`);

export const ALERT_EVENTS = graphql(`
  subscription AlertEvents($organizationId: ID!, $after: String) {
    alertEvents(organizationId: $organizationId, scope: SUBTREE, after: $after) {
      cursor
      toStatus
      alert {
        ...AlertRow
      }
    }
  }
`);

export const ACKNOWLEDGE_ALERT = graphql(`
  mutation AcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) {
      ...AlertRow
    }
  }
`);
