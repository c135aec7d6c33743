import { SAMPLE_EMAIL_DOMAIN, SAMPLE_RESTAURANT_SUFFIX } from './sample-markers.js';

/** The body of POST /restaurants/{id}/menu-items for one dish. */
export interface SampleMenuItem {
  name: string;
  description: string | null;
  price: number;
  category: string;
  is_vegetarian: boolean;
  is_vegan: boolean;
  is_gluten_free: boolean;
  is_available: boolean;
  preparation_time: number;
}

export interface SampleRestaurant {
  /** The body of POST /restaurants (rating left out: the reviews compute it). */
  restaurant: {
    name: string;
    description: string;
    cuisine_type: string;
    address: string;
    phone_number: string;
    opening_time: string;
    closing_time: string;
    capacity: number;
  };
  menu: SampleMenuItem[];
  /** The average star rating its customers tend to give. */
  quality: number;
  /** How often customers order from it, relative to the others. */
  popularity: number;
}

/** The body of POST /customers. */
export interface SampleCustomer {
  name: string;
  email: string;
  phone_number: string;
  address: string;
  is_active: boolean;
}

type Diet = 'vegetarian' | 'vegan' | 'gluten-free';

const STARTERS = 'Starters';
const MAIN_COURSE = 'Main Course';
const SIDES = 'Sides';
const DESSERTS = 'Desserts';
const DRINKS = 'Drinks';

function dish(
  name: string,
  category: string,
  price: number,
  preparation_time: number,
  diet: Diet[],
  description: string | null,
  is_available = true,
): SampleMenuItem {
  const vegan = diet.includes('vegan');
  return {
    name,
    description,
    price,
    category,
    is_vegetarian: vegan || diet.includes('vegetarian'),
    is_vegan: vegan,
    is_gluten_free: diet.includes('gluten-free'),
    is_available,
    preparation_time,
  };
}

const sampleName = (name: string) => `${name}${SAMPLE_RESTAURANT_SUFFIX}`;

export const SAMPLE_RESTAURANTS: readonly SampleRestaurant[] = [
  {
    restaurant: {
      name: sampleName('Trattoria Bella Napoli'),
      description: 'Family-run trattoria: wood-fired Neapolitan pizza and fresh pasta made every morning.',
      cuisine_type: 'Italian',
      address: '1120 SE Division Street, Portland, OR 97202',
      phone_number: '+1-503-555-0101',
      opening_time: '11:30:00',
      closing_time: '22:00:00',
      capacity: 25,
    },
    quality: 4.5,
    popularity: 5,
    menu: [
      dish('Bruschetta al Pomodoro', STARTERS, 8.5, 10, ['vegan'], 'Grilled sourdough, heirloom tomatoes, garlic and basil'),
      dish('Arancini di Riso', STARTERS, 9, 12, ['vegetarian'], 'Crisp saffron risotto balls filled with mozzarella'),
      dish('Burrata e Prosciutto', STARTERS, 14.5, 8, ['gluten-free'], 'Creamy burrata, prosciutto di Parma, rocket'),
      dish('Pizza Margherita', MAIN_COURSE, 14, 15, ['vegetarian'], 'San Marzano tomato, fior di latte, basil'),
      dish('Pizza Diavola', MAIN_COURSE, 16.5, 15, [], 'Tomato, mozzarella, spicy salami, chilli oil'),
      dish('Tagliatelle al Ragù', MAIN_COURSE, 18.5, 20, [], 'Fresh egg pasta with slow-cooked beef and pork ragù'),
      dish('Spaghetti alla Carbonara', MAIN_COURSE, 17, 18, [], 'Guanciale, egg yolk, pecorino romano, black pepper'),
      dish('Risotto ai Funghi Porcini', MAIN_COURSE, 19, 25, ['vegetarian', 'gluten-free'], 'Carnaroli rice, porcini, parmesan'),
      dish('Tiramisù', DESSERTS, 8, 5, ['vegetarian'], 'Mascarpone, espresso-soaked savoiardi, cocoa'),
      dish('Panna Cotta ai Frutti di Bosco', DESSERTS, 7.5, 5, ['vegetarian', 'gluten-free'], 'Vanilla panna cotta, berry compote'),
      dish('San Pellegrino Limonata', DRINKS, 3.5, 1, ['vegan', 'gluten-free'], 'Sparkling lemon drink, 330 ml can'),
      dish('Espresso', DRINKS, 3, 3, ['vegan', 'gluten-free'], null),
    ],
  },
  {
    restaurant: {
      name: sampleName('Spice Route Kitchen'),
      description: 'North Indian curries, tandoor breads and biryani, spiced to order.',
      cuisine_type: 'Indian',
      address: '3425 NE Broadway, Portland, OR 97232',
      phone_number: '+1-503-555-0102',
      opening_time: '11:00:00',
      closing_time: '22:30:00',
      capacity: 30,
    },
    quality: 4.3,
    popularity: 5,
    menu: [
      dish('Vegetable Samosas', STARTERS, 6.5, 12, ['vegan'], 'Two pastries filled with spiced potato and peas, tamarind chutney'),
      dish('Onion Bhaji', STARTERS, 6, 10, ['vegan', 'gluten-free'], 'Crisp onion fritters in chickpea batter'),
      dish('Chicken Tikka', STARTERS, 9.5, 15, ['gluten-free'], 'Yoghurt-marinated chicken from the tandoor'),
      dish('Butter Chicken', MAIN_COURSE, 17.5, 20, ['gluten-free'], 'Tandoori chicken in a silky tomato and butter sauce'),
      dish('Lamb Rogan Josh', MAIN_COURSE, 19.5, 25, ['gluten-free'], 'Kashmiri chilli, slow-braised lamb shoulder'),
      dish('Palak Paneer', MAIN_COURSE, 15, 18, ['vegetarian', 'gluten-free'], 'Fresh cheese in a spiced spinach sauce'),
      dish('Chana Masala', MAIN_COURSE, 13.5, 15, ['vegan', 'gluten-free'], 'Chickpeas, tomato, ginger and garam masala'),
      dish('Hyderabadi Chicken Biryani', MAIN_COURSE, 18, 30, ['gluten-free'], 'Layered basmati rice, saffron, fried onions, raita'),
      dish('Garlic Naan', SIDES, 4, 8, ['vegetarian'], 'From the tandoor, brushed with garlic butter'),
      dish('Basmati Rice', SIDES, 3.5, 5, ['vegan', 'gluten-free'], null),
      dish('Gulab Jamun', DESSERTS, 6, 5, ['vegetarian'], 'Milk dumplings in cardamom syrup'),
      dish('Mango Lassi', DRINKS, 5, 3, ['vegetarian', 'gluten-free'], 'Alphonso mango and yoghurt'),
      dish('Masala Chai', DRINKS, 3.5, 5, ['vegetarian', 'gluten-free'], 'Spiced black tea with milk'),
    ],
  },
  {
    restaurant: {
      name: sampleName('Sakura Sushi House'),
      description: 'Nigiri, maki and ramen from a chef trained in Osaka; fish delivered daily.',
      cuisine_type: 'Japanese',
      address: '815 NW 23rd Avenue, Portland, OR 97210',
      phone_number: '+1-503-555-0103',
      opening_time: '12:00:00',
      closing_time: '21:30:00',
      capacity: 15,
    },
    quality: 4.7,
    popularity: 4,
    menu: [
      dish('Edamame', STARTERS, 5, 5, ['vegan', 'gluten-free'], 'Steamed soybeans with sea salt'),
      dish('Miso Soup', STARTERS, 4, 5, ['vegetarian'], 'Tofu, wakame, spring onion'),
      dish('Pork Gyoza', STARTERS, 8.5, 12, [], 'Six pan-fried dumplings, ponzu dip'),
      dish('Salmon Nigiri', MAIN_COURSE, 9, 10, ['gluten-free'], 'Four pieces, served with tamari'),
      dish('Spicy Tuna Roll', MAIN_COURSE, 11, 12, [], 'Tuna, sriracha mayo, cucumber, sesame'),
      dish('Avocado Cucumber Roll', MAIN_COURSE, 8, 10, ['vegan'], null),
      dish('Chirashi Bowl', MAIN_COURSE, 24, 15, ['gluten-free'], "Chef's selection of sashimi over seasoned rice"),
      dish('Tonkotsu Ramen', MAIN_COURSE, 16.5, 18, [], 'Pork bone broth, chashu, soft egg, nori'),
      dish('Chicken Katsu Curry', MAIN_COURSE, 15.5, 20, [], 'Panko chicken cutlet, Japanese curry, rice'),
      dish('Matcha Mochi', DESSERTS, 6.5, 3, ['vegetarian', 'gluten-free'], 'Two green-tea ice cream mochi'),
      dish('Ramune', DRINKS, 3.5, 1, ['vegan', 'gluten-free'], 'Japanese marble soda'),
      dish('Iced Green Tea', DRINKS, 3, 2, ['vegan', 'gluten-free'], null),
    ],
  },
  {
    restaurant: {
      name: sampleName('El Farolito Taqueria'),
      description: 'Late-night tacos al pastor, burritos and horchata: open until 2 am.',
      cuisine_type: 'Mexican',
      address: '2401 N Mississippi Avenue, Portland, OR 97227',
      phone_number: '+1-503-555-0104',
      opening_time: '18:00:00',
      closing_time: '02:00:00',
      capacity: 20,
    },
    quality: 4.1,
    popularity: 4,
    menu: [
      dish('Chips & Guacamole', STARTERS, 7.5, 5, ['vegan', 'gluten-free'], 'Avocado, lime, cilantro, fresh corn chips'),
      dish('Elote', STARTERS, 6, 8, ['vegetarian', 'gluten-free'], 'Grilled street corn, cotija, chilli-lime mayo'),
      dish('Tacos al Pastor', MAIN_COURSE, 12, 12, ['gluten-free'], 'Three tacos, marinated pork, pineapple, onion'),
      dish('Carne Asada Burrito', MAIN_COURSE, 14.5, 12, [], 'Grilled steak, rice, beans, pico de gallo'),
      dish('Baja Fish Tacos', MAIN_COURSE, 13, 14, [], 'Beer-battered cod, cabbage slaw, chipotle crema'),
      dish('Veggie Burrito Bowl', MAIN_COURSE, 12.5, 10, ['vegan', 'gluten-free'], 'Black beans, rice, fajita peppers, salsa verde'),
      dish('Chicken Quesadilla', MAIN_COURSE, 11.5, 10, [], 'Flour tortilla, chicken tinga, Oaxaca cheese'),
      dish('Churros', DESSERTS, 6, 8, ['vegetarian'], 'Cinnamon sugar, dark chocolate dip'),
      dish('Horchata', DRINKS, 4, 2, ['vegan', 'gluten-free'], 'Rice and cinnamon drink'),
      dish('Jarritos Tamarind', DRINKS, 3, 1, ['vegan', 'gluten-free'], null),
    ],
  },
  {
    restaurant: {
      name: sampleName('Bangkok Street Kitchen'),
      description: 'Wok-fried street food from Bangkok; ask for Thai-hot if you dare.',
      cuisine_type: 'Thai',
      address: '4627 SE Hawthorne Boulevard, Portland, OR 97215',
      phone_number: '+1-503-555-0105',
      opening_time: '11:00:00',
      closing_time: '21:00:00',
      capacity: 20,
    },
    quality: 3.8,
    popularity: 3,
    menu: [
      dish('Fresh Spring Rolls', STARTERS, 7, 10, ['vegan', 'gluten-free'], 'Rice paper, herbs, tofu, peanut sauce'),
      dish('Chicken Satay', STARTERS, 8.5, 12, ['gluten-free'], 'Four skewers with peanut sauce and cucumber relish'),
      dish('Tom Yum Goong', STARTERS, 9, 12, ['gluten-free'], 'Hot and sour prawn soup with lemongrass'),
      dish('Pad Thai', MAIN_COURSE, 14, 12, ['gluten-free'], 'Rice noodles, tamarind, egg, peanuts, choice of chicken'),
      dish('Green Curry', MAIN_COURSE, 15, 15, ['gluten-free'], 'Chicken, Thai aubergine, basil, coconut milk'),
      dish('Massaman Tofu Curry', MAIN_COURSE, 14.5, 15, ['vegan', 'gluten-free'], 'Potato, peanuts, mild coconut curry'),
      dish('Pad Kra Pao', MAIN_COURSE, 14, 10, [], 'Stir-fried minced pork, holy basil, fried egg, rice'),
      dish('Drunken Noodles', MAIN_COURSE, 14.5, 12, [], 'Wide rice noodles, beef, chilli, basil'),
      dish('Sticky Rice', SIDES, 3, 5, ['vegan', 'gluten-free'], null),
      dish('Mango Sticky Rice', DESSERTS, 7.5, 5, ['vegan', 'gluten-free'], 'Seasonal mango, coconut cream', false),
      dish('Thai Iced Tea', DRINKS, 4.5, 3, ['vegetarian', 'gluten-free'], 'Spiced black tea, condensed milk'),
    ],
  },
  {
    restaurant: {
      name: sampleName('Cedar & Olive'),
      description: 'Lebanese mezze, charcoal grills and fresh-baked flatbread.',
      cuisine_type: 'Lebanese',
      address: '1033 NW Glisan Street, Portland, OR 97209',
      phone_number: '+1-503-555-0106',
      opening_time: '10:00:00',
      closing_time: '22:00:00',
      capacity: 25,
    },
    quality: 4.4,
    popularity: 3,
    menu: [
      dish('Hummus', STARTERS, 7, 5, ['vegan', 'gluten-free'], 'Chickpeas, tahini, lemon, olive oil'),
      dish('Baba Ghanoush', STARTERS, 7.5, 5, ['vegan', 'gluten-free'], 'Smoky aubergine, tahini, pomegranate'),
      dish('Falafel', STARTERS, 8, 10, ['vegan', 'gluten-free'], 'Six herby chickpea fritters, tahini sauce'),
      dish('Fattoush Salad', STARTERS, 9, 8, ['vegan'], 'Crisp pita, tomato, cucumber, sumac dressing'),
      dish('Chicken Shawarma Plate', MAIN_COURSE, 16.5, 15, [], 'Garlic toum, pickles, rice, salad'),
      dish('Lamb Kofta', MAIN_COURSE, 18, 18, ['gluten-free'], 'Charcoal-grilled skewers, vermicelli rice'),
      dish('Mixed Grill', MAIN_COURSE, 24, 20, ['gluten-free'], 'Shish taouk, kofta and lamb cutlet for one'),
      dish('Halloumi Wrap', MAIN_COURSE, 12.5, 10, ['vegetarian'], 'Grilled halloumi, tomato, mint, flatbread'),
      dish('Baklava', DESSERTS, 6.5, 3, ['vegetarian'], 'Filo, pistachio, orange-blossom syrup'),
      dish('Mint Lemonade', DRINKS, 4.5, 3, ['vegan', 'gluten-free'], 'Fresh lemon juice blended with mint'),
    ],
  },
  {
    restaurant: {
      name: sampleName('Nonna Rosa Pizzeria'),
      description: 'New York-style pizza by the pie, calzones and house salads.',
      cuisine_type: 'Italian',
      address: '5205 N Lombard Street, Portland, OR 97203',
      phone_number: '+1-503-555-0107',
      opening_time: '11:00:00',
      closing_time: '23:00:00',
      capacity: 20,
    },
    quality: 3.9,
    popularity: 4,
    menu: [
      dish('Garlic Knots', STARTERS, 6, 10, ['vegetarian'], 'Six knots, garlic butter, marinara dip'),
      dish('Caesar Salad', STARTERS, 9.5, 8, [], 'Romaine, parmesan, anchovy dressing, croutons'),
      dish('Caprese Salad', STARTERS, 10, 6, ['vegetarian', 'gluten-free'], 'Tomato, mozzarella, basil, balsamic'),
      dish('Pepperoni Pizza', MAIN_COURSE, 19, 18, [], '16-inch pie, cup-and-char pepperoni'),
      dish('White Pizza', MAIN_COURSE, 18, 18, ['vegetarian'], 'Ricotta, mozzarella, garlic, oregano'),
      dish('Vegan Garden Pizza', MAIN_COURSE, 18.5, 18, ['vegan'], 'Cashew mozzarella, peppers, mushrooms, olives'),
      dish('Gluten-Free Margherita', MAIN_COURSE, 17, 20, ['vegetarian', 'gluten-free'], 'On a rice-flour crust'),
      dish('Sausage Calzone', MAIN_COURSE, 15, 20, [], 'Fennel sausage, ricotta, mozzarella'),
      dish('Cannoli', DESSERTS, 5.5, 3, ['vegetarian'], 'Two shells, sweet ricotta, chocolate chips'),
      dish('Italian Soda', DRINKS, 3.5, 2, ['vegan', 'gluten-free'], 'Blood orange, sparkling water'),
      dish('Root Beer', DRINKS, 3, 1, ['vegan', 'gluten-free'], null),
    ],
  },
];

const sampleEmail = (localPart: string) => `${localPart}${SAMPLE_EMAIL_DOMAIN}`;

export const SAMPLE_CUSTOMERS: readonly SampleCustomer[] = [
  ['Priya Raman', 'priya.raman', '+1-503-555-0121', '2817 SE Belmont Street, Apt 4B, Portland, OR 97214'],
  ['Marcus Johnson', 'marcus.johnson', '+1-503-555-0122', '1540 NE Alberta Street, Portland, OR 97211'],
  ['Sofia Alvarez', 'sofia.alvarez', '+1-503-555-0123', '730 SW 10th Avenue, Unit 1204, Portland, OR 97205'],
  ["Liam O'Connor", 'liam.oconnor', '+1-503-555-0124', '4412 N Williams Avenue, Portland, OR 97217'],
  ['Hannah Kim', 'hannah.kim', '+1-503-555-0125', '919 NW Overton Street, Apt 602, Portland, OR 97209'],
  ['Daniel Okafor', 'daniel.okafor', '+1-503-555-0126', '3308 SE Clinton Street, Portland, OR 97202'],
  ['Emma Schultz', 'emma.schultz', '+1-503-555-0127', '6125 NE Sandy Boulevard, Portland, OR 97213'],
  ['Noah Williams', 'noah.williams', '+1-503-555-0128', '2210 NW Irving Street, Portland, OR 97210'],
  ['Aisha Rahman', 'aisha.rahman', '+1-503-555-0129', '1875 SE Ankeny Street, Portland, OR 97214'],
  ['Lucas Moreau', 'lucas.moreau', '+1-503-555-0130', '505 NE Killingsworth Street, Portland, OR 97211'],
  ['Mei Chen', 'mei.chen', '+1-503-555-0131', '1200 SW Jefferson Street, Apt 9C, Portland, OR 97201'],
  ['Oliver Brooks', 'oliver.brooks', '+1-503-555-0132', '3936 N Vancouver Avenue, Portland, OR 97227'],
  ['Mateo Rossi', 'mateo.rossi', '+1-503-555-0133', '7421 SE Foster Road, Portland, OR 97206'],
  ['Grace Nakamura', 'grace.nakamura', '+1-503-555-0134', '2640 NE Fremont Street, Portland, OR 97212'],
].map(([name, localPart, phone_number, address], index, all) => ({
  name,
  email: sampleEmail(localPart),
  phone_number,
  address,
  // One dormant account: it has no orders and shows the active_only filter.
  is_active: index < all.length - 1,
}));

export const SPECIAL_INSTRUCTIONS: readonly string[] = [
  'Ring the doorbell twice, please.',
  'Leave at the front door.',
  'Call when you arrive; the buzzer is broken.',
  'Please bring extra napkins.',
  'Side entrance, next to the bike rack.',
];

export const SPECIAL_REQUESTS: readonly string[] = ['Extra spicy', 'Mild, please', 'No onions', 'Sauce on the side', 'No cilantro'];

/** Review comments by star rating. */
export const REVIEW_COMMENTS: Readonly<Record<number, readonly string[]>> = {
  5: [
    'Absolutely delicious and still piping hot on arrival.',
    'Perfect order, perfectly packed. Will order again!',
    'Outstanding as always; generous portions.',
    'Fantastic flavours and the courier was early.',
  ],
  4: [
    'Really good food; delivery took a little longer than quoted.',
    'Tasty and well packed, would order again.',
    'Great flavours, slightly lukewarm on arrival.',
  ],
  3: ['Decent, but nothing special this time.', 'Food was fine; one sauce was missing.', 'Okay overall, delivery was late.'],
  2: ['Arrived cold and the portions were small.', 'Not as good as usual; the rice was overcooked.'],
  1: ['Arrived an hour late and cold.', 'Wrong dish delivered and nobody answered the phone.'],
};
