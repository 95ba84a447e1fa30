import { graphql } from "@/gql";

export const CartFields = graphql(`
  fragment CartFields on Cart {
    id
    itemCount
    subtotal { amount currency }
    lines {
      productId
      quantity
      available
      unitPrice { amount currency }
      lineTotal { amount currency }
      product { id name slug images { url altText } }
    }
  }
`);

export const CartQuery = graphql(`
  query Cart {
    cart { ...CartFields }
  }
`);

export const AddToCartMutation = graphql(`
  mutation AddToCart($input: AddToCartInput!) {
    addToCart(input: $input) {
      cart { ...CartFields }
      cartToken
      errors { code field message }
    }
  }
`);

export const UpdateCartItemMutation = graphql(`
  mutation UpdateCartItem($input: UpdateCartItemInput!) {
    updateCartItem(input: $input) {
      cart { ...CartFields }
      cartToken
      errors { code field message }
    }
  }
`);

export const MergeCartMutation = graphql(`
  mutation MergeCart($cartToken: String!) {
    mergeCart(cartToken: $cartToken) {
      cart { ...CartFields }
      errors { code field message }
    }
  }
`);
