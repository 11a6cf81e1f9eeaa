// expect: unknown_enum_member.p4:4:23: error: enum Color has no member 'Blue'
// An enum has no member of that name.
enum Color { Red, Green }
const Color C = Color.Blue;
