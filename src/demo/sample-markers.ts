/**
 * How sample rows are recognised, from the data itself (no extra table or column):
 * - a restaurant is sample data when its name ends with {@link SAMPLE_RESTAURANT_SUFFIX};
 * - a customer is sample data when its email is on {@link SAMPLE_EMAIL_DOMAIN}, under the
 *   reserved `.invalid` top-level domain (RFC 2606), which no real mailbox can use;
 * - menu items of sample restaurants, and orders (with their lines and reviews) placed by a
 *   sample customer at a sample restaurant, are sample data too.
 */
export const SAMPLE_RESTAURANT_SUFFIX = ' [Tiffin sample]';

export const SAMPLE_EMAIL_DOMAIN = '@sample.tiffin.invalid';

export const SAMPLE_MARKERS_DESCRIPTION =
  `Sample rows are recognised by markers in the data: restaurants whose name ends with "${SAMPLE_RESTAURANT_SUFFIX}", ` +
  `customers whose email ends with "${SAMPLE_EMAIL_DOMAIN}" (a reserved .invalid domain), the menu items of those ` +
  'restaurants, and the orders (with their lines and reviews) of those customers at those restaurants.';

export function isSampleRestaurantName(name: string): boolean {
  return name.endsWith(SAMPLE_RESTAURANT_SUFFIX);
}

export function isSampleEmail(email: string): boolean {
  return email.toLowerCase().endsWith(SAMPLE_EMAIL_DOMAIN);
}
