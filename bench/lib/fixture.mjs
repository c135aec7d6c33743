/**
 * The benchmarked resource: one restaurant with its menu, created through the API. Each item
 * serialises 13 fields (about 300 bytes with two timestamps), so a dozen items would make a body
 * of 4 KB or more; eight short ones keep it under 3 KB, the size TOOLCHAIN.md's figures were taken at.
 */

const RESTAURANT = {
  name: 'Bench Tiffin House',
  description: 'Home-style thalis and street food.',
  cuisine_type: 'north indian',
  address: '12 Market Street, Springfield',
  phone_number: '+1-555-0142',
  rating: 4.6,
  opening_time: '10:00',
  closing_time: '22:30',
  capacity: 25,
};

const DISHES = [
  ['Paneer Tikka', 'Chargrilled cottage cheese, peppers', 8.5, 'starters', true, 15],
  ['Samosa Chaat', 'Crushed samosa, chickpeas, chutneys', 6.25, 'starters', true, 10],
  ['Butter Chicken', 'Tandoori chicken in tomato gravy', 14.5, 'main course', false, 25],
  ['Dal Makhani', 'Black lentils slow-cooked overnight', 11.0, 'main course', true, 20],
  ['Lamb Rogan Josh', 'Kashmiri lamb curry', 16.75, 'main course', false, 35],
  ['Veg Biryani', 'Basmati rice, vegetables, saffron', 12.0, 'main course', true, 30],
  ['Garlic Naan', 'Tandoor bread, garlic butter', 3.5, 'breads', true, 8],
  ['Mango Lassi', 'Yoghurt, Alphonso mango', 4.5, 'drinks', true, 5],
];

async function post(baseUrl, token, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** Creates the restaurant and its items as admin; returns the restaurant id and the number of items. */
export async function createRestaurantWithMenu(baseUrl, adminToken) {
  const restaurant = await post(baseUrl, adminToken, '/restaurants/', RESTAURANT);
  for (const [name, description, price, category, vegetarian, minutes] of DISHES) {
    await post(baseUrl, adminToken, `/restaurants/${restaurant.id}/menu-items/`, {
      name,
      description,
      price,
      category,
      is_vegetarian: vegetarian,
      preparation_time: minutes,
    });
  }
  return { restaurantId: restaurant.id, menuItems: DISHES.length };
}
