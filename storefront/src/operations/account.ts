import { graphql } from "@/gql";

export const AuthFields = graphql(`
  fragment AuthFields on AuthPayload {
    accessToken
    refreshToken
    expiresIn
    user { id email firstName }
    errors { code field message }
  }
`);

export const RegisterMutation = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { ...AuthFields }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { ...AuthFields }
  }
`);

export const RefreshTokenMutation = graphql(`
  mutation RefreshToken($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) { ...AuthFields }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout($refreshToken: String!) {
    logout(refreshToken: $refreshToken) { ok errors { code message } }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me { id email firstName lastName }
  }
`);

export const OrderHistoryQuery = graphql(`
  query OrderHistory($first: Int!, $after: String) {
    me {
      id
      orders(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { id status createdAt total { amount currency } items { name quantity } } }
      }
    }
  }
`);
