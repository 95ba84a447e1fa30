import { graphql } from "@/gql";

export const AddReviewMutation = graphql(`
  mutation AddReview($input: AddReviewInput!) {
    addReview(input: $input) {
      review { id status }
      errors { code field message }
    }
  }
`);
