/** Words the bulk generator builds names, menus and comments from. No tab, newline or backslash (COPY text format). */

export const CUISINES = [
  'Italian', 'Indian', 'Japanese', 'Mexican', 'Thai', 'Lebanese', 'Chinese', 'French', 'Greek', 'Korean',
  'Vietnamese', 'Ethiopian', 'Turkish', 'Spanish', 'American', 'Caribbean', 'Persian', 'Peruvian',
];

export const NAME_FIRST = [
  'Golden', 'Little', 'Spice', 'Blue', 'Green', 'Red', 'Old Town', 'Corner', 'Harbour', 'Garden', 'Urban', 'Royal',
  'Lucky', 'Silver', 'Sunny', 'Copper', 'Saffron', 'Cedar', 'Olive', 'Lotus',
];
export const NAME_SECOND = [
  'Kitchen', 'Table', 'House', 'Bistro', 'Canteen', 'Grill', 'Pantry', 'Diner', 'Eatery', 'Tiffin', 'Kettle', 'Oven',
  'Bowl', 'Spoon', 'Fork', 'Plate',
];
export const STREETS = [
  'Market Street', 'High Street', 'Station Road', 'Park Lane', 'Mill Road', 'Church Street', 'River Walk', 'King Street',
  'Queen Avenue', 'Elm Grove', 'Oak Avenue', 'Bridge Street',
];
export const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Fairview', 'Hillcrest', 'Brookfield', 'Maplewood', 'Westbury'];
export const FIRST_NAMES = [
  'Asha', 'Ben', 'Chen', 'Dara', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Luca', 'Maya', 'Nikhil',
  'Olga', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wen', 'Yusuf', 'Zoe',
];
export const LAST_NAMES = [
  'Adeyemi', 'Brown', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Gupta', 'Haddad', 'Ivanova', 'Jones', 'Kim', 'Lopez',
  'Moreau', 'Nakamura', 'Okafor', 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Novak',
];

/** Per category: dish words, and the price range in cents. */
export const MENU_CATEGORIES = [
  { name: 'Starters', weight: 5, cents: [400, 1200], dishes: ['Soup', 'Salad', 'Dumplings', 'Fritters', 'Skewers', 'Flatbread', 'Croquettes', 'Spring Rolls'] },
  { name: 'Main Course', weight: 9, cents: [900, 2800], dishes: ['Curry', 'Stew', 'Noodles', 'Risotto', 'Grilled Fish', 'Roast Chicken', 'Tacos', 'Biryani', 'Pasta', 'Rice Bowl'] },
  { name: 'Sides', weight: 3, cents: [300, 700], dishes: ['Fries', 'Rice', 'Bread', 'Greens', 'Pickles', 'Slaw'] },
  { name: 'Desserts', weight: 3, cents: [400, 900], dishes: ['Cake', 'Pudding', 'Ice Cream', 'Tart', 'Custard', 'Baklava'] },
  { name: 'Drinks', weight: 3, cents: [200, 600], dishes: ['Lemonade', 'Iced Tea', 'Lassi', 'Coffee', 'Juice', 'Soda'] },
];
export const DISH_STYLES = ['House', 'Spicy', 'Classic', 'Smoky', 'Garlic', 'Herb', 'Chef’s', 'Crispy', 'Sweet Chilli', 'Lemon'];

export const SPECIAL_INSTRUCTIONS = ['Leave at the door', 'Ring the bell twice', 'Call on arrival', 'No cutlery, please', 'Back entrance'];
export const SPECIAL_REQUESTS = ['Extra spicy', 'No onions', 'Sauce on the side', 'Mild, please', 'No nuts'];
export const REVIEW_COMMENTS = {
  1: ['Cold and late.', 'Not what I ordered.', 'Would not order again.'],
  2: ['Disappointing this time.', 'Bland and overpriced.', 'Arrived lukewarm.'],
  3: ['Fine, nothing special.', 'Decent for the price.', 'Okay, a bit slow.'],
  4: ['Tasty and on time.', 'Good portions.', 'Would order again.'],
  5: ['Excellent, as always.', 'Best in town.', 'Perfect, thank you!'],
};
