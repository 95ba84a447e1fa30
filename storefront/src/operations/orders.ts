import { graphql } from "@/gql";

export const PlaceOrderMutation = graphql(`
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order { id status }
      errors { code field message }
    }
  }
`);

export const OrderQuery = graphql(`
  query Order($id: ID!) {
    order(id: $id) {
      id
      status
      createdAt
      paymentMethod
      subtotal { amount currency }
      shipping { amount currency }
      total { amount currency }
      shippingAddress { name line1 line2 city postalCode country }
      items { productId name sku quantity unitPrice { amount currency } lineTotal { amount currency } }
      history { status at reason }
    }
  }
`);

export const OrderStatusSubscription = graphql(`
  subscription OrderStatus($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) { orderId status previousStatus at }
  }
`);
