import { graphql } from '../__generated__';

graphql(`
  fragment SessionFields on Session {
    accessToken
    expiresAt
    refreshToken
    refreshExpiresAt
    role
    organization {
      id
    }
    user {
      id
      email
      displayName
    }
  }
`);

/** Asked with the new token: the login answer itself cannot resolve organisations (it carries no token yet). */
export const ME = graphql(`
  query Me($organizationId: ID!) {
    me {
      id
      memberships {
        role
        organization {
          id
          name
          kind
        }
      }
    }
    organization(id: $organizationId) {
      id
      name
      kind
    }
  }
`);

export const LOG_IN = graphql(`
  mutation LogIn($email: String!, $password: String!, $organizationId: ID) {
    logIn(email: $email, password: $password, organizationId: $organizationId) {
      ...SessionFields
    }
  }
`);

export const REFRESH_SESSION = graphql(`
  mutation RefreshSession($refreshToken: String!, $organizationId: ID) {
    refreshSession(refreshToken: $refreshToken, organizationId: $organizationId) {
      ...SessionFields
    }
  }
`);

export const LOG_OUT = graphql(`
  mutation LogOut($refreshToken: String!) {
    logOut(refreshToken: $refreshToken)
  }
`);
