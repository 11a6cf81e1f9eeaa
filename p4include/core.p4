/*
 * core.p4 -- the P4_16 core library, as used by hopline.
 *
 * Written for the hopline project from the P4_16 language specification
 * (v1.2.x, "P4 core library").  The declarations have the same names,
 * type parameters, directions and overloads as the core.p4 that ships with
 * the reference compiler p4c, so programs written against that file are
 * accepted unchanged.  Comments are our own.
 */

#ifndef _CORE_P4_
#define _CORE_P4_

/* Errors every target knows about.  Programs may add their own codes with
 * further `error { ... }` declarations; all of them share one namespace. */
error {
    NoError,               // nothing went wrong
    PacketTooShort,        // extract/lookahead ran past the end of the packet
    NoMatch,               // a select expression matched no case
    StackOutOfBounds,      // a header stack was indexed outside its bounds
    HeaderTooShort,        // a varbit extract asked for more bits than fit
    ParserTimeout,         // the parser ran longer than the target allows
    ParserInvalidArgument  // a parser operation got an argument it cannot use
}

/* The packet as seen by a parser: a read cursor over the received bytes. */
extern packet_in {
    /* Copy a fixed-size header out of the packet and move the cursor past
     * it; the header becomes valid. */
    void extract<T>(out T hdr);
    /* Same for a header with exactly one varbit field; the second argument
     * says how many bits that field takes in this packet. */
    void extract<T>(out T variableSizeHeader,
                    in bit<32> variableFieldSizeInBits);
    /* Read a value of type T at the cursor without moving the cursor. */
    T lookahead<T>();
    /* Move the cursor forward by a number of bits without reading them. */
    void advance(in bit<32> sizeInBits);
    /* Length of the whole packet in bytes (not every target offers it). */
    bit<32> length();
}

/* The packet as built by a deparser. */
extern packet_out {
    /* Append hdr to the outgoing packet if it is valid.  T may be a header,
     * a header stack, a header union, or a struct of those. */
    void emit<T>(in T hdr);
}

/* Parser-only check: when `check` is false, stop parsing with the given
 * error (the parser moves to `reject`). */
extern void verify(in bool check, in error toSignal);

/* The action that does nothing; usable in any table. */
@noWarn("unused")
action NoAction() {}

/* Match kinds every target understands for table keys.  Architectures add
 * more with their own match_kind declarations. */
match_kind {
    exact,     // the key equals the entry's value
    ternary,   // value and mask; masked-off bits are "don't care"
    lpm        // longest prefix match
}

/* Compile-time assertions.  The argument must be known at compile time;
 * when it is false, compilation stops with the message (or a default one).
 * The result is a bool, so the call may initialise a top-level constant:
 *     const bool ok = static_assert(V1MODEL_VERSION >= 20180101);
 */
extern bool static_assert(bool check, string message);
extern bool static_assert(bool check);

/* Place-holder type for the list of actions a table may run, as used by
 * some architectures in table properties.  It has no constructor, so a
 * program cannot instantiate it; it only names the concept. */
extern action_list<T> {
}

#endif  /* _CORE_P4_ */
