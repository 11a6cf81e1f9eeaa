// SPDX-License-Identifier: Apache-2.0
// Hash of a table key for hop_table_exact: a CRC-32 of the key folded to OUT_W bits, one XOR
// tree, bit-exact with runtime/tables/hash.cpp (hop::tables::hashKey).
//
// Definition (the runtime computes the same thing):
//   - CRC register 32 bits, initial value 0xFFFFFFFF, polynomial POLY (normal form, MSB first,
//     no reflection, no final XOR);
//   - the key is fed one bit per step from bit KEY_W-1 (the first P4 key field's MSB) down to
//     bit 0: crc = (crc << 1) ^ ((crc[31] ^ key[i]) ? POLY : 0);
//   - the 32-bit CRC is folded to OUT_W bits: hash[j] = XOR of crc[i] for every i with
//     i % OUT_W == j, so every CRC bit counts.
// hop_table_exact uses CRC-32 (0x04C11DB7, IEEE 802.3) for way 0 and CRC-32C (0x1EDC6F41,
// Castagnoli) for way 1: two different polynomials give two different bucket choices per key.
// The whole function is linear in the key bits (plus a constant): hash = H0 ^ M * key over
// GF(2). The constant H0 (the hash of the all-zero key) and, per output bit, the mask of the key
// bits it depends on are computed at elaboration by running the definition above on the zero key
// and on each unit key, so the logic is one XOR of masked key bits per output bit (what synthesis
// made of the bit-serial loop anyway, and a few instructions per bit in a Verilated model instead
// of a loop over the key); no state, no latency.
`default_nettype none

module hop_hash #(
    parameter int KEY_W = 32,
    parameter int OUT_W = 10,
    parameter logic [31:0] POLY = 32'h04C11DB7
) (
    input  wire  [KEY_W-1:0] key,
    output logic [OUT_W-1:0] hash
);
    initial begin
        if (KEY_W < 1) $fatal(1, "%m: KEY_W must be at least 1");
        if (OUT_W < 1 || OUT_W > 32) $fatal(1, "%m: OUT_W must be 1..32");
    end

    // The definition, for a constant key: CRC, then the fold.
    function automatic logic [OUT_W-1:0] hash_of(input logic [KEY_W-1:0] k);
        logic [31:0] crc;
        logic [OUT_W-1:0] h;
        crc = 32'hFFFF_FFFF;
        for (int i = KEY_W - 1; i >= 0; i--) begin
            crc = {crc[30:0], 1'b0} ^ ((crc[31] ^ k[i]) ? POLY : 32'h0);
        end
        h = '0;
        for (int i = 0; i < 32; i++) begin
            h[i%OUT_W] = h[i%OUT_W] ^ crc[i];
        end
        hash_of = h;
    endfunction

    // Bit j*KEY_W+i of the result: output bit j depends on key bit i. (Flat, and with an unused
    // argument, for Yosys 0.23's constant functions.)
    function automatic logic [OUT_W*KEY_W-1:0] masks_of(input logic unused);
        logic [OUT_W*KEY_W-1:0] m;
        logic [OUT_W-1:0] h0, col;
        logic [KEY_W-1:0] unit;
        h0 = hash_of('0);
        m = '0;
        for (int i = 0; i < KEY_W; i++) begin
            unit = '0;
            unit[i] = 1'b1;
            col = hash_of(unit) ^ h0;
            for (int j = 0; j < OUT_W; j++) m[j*KEY_W+i] = col[j];
        end
        masks_of = m;
    endfunction

    localparam logic [OUT_W-1:0] H0 = hash_of('0);
    localparam logic [OUT_W*KEY_W-1:0] MASKS = masks_of(1'b0);

`ifdef VERILATOR
`ifndef HOP_HASH_XOR
`define HOP_HASH_BYTE_TABLES
`endif
`endif
`ifdef HOP_HASH_BYTE_TABLES
    // The same linear function as a byte table per key byte, filled at time 0 from MASKS:
    // tbl[b][v] is the XOR of the mask columns of the set bits of v at key byte b. A lookup
    // is then a few loads in a Verilated model, where the XOR form costs an AND and an XOR
    // reduction of the whole key per output bit every cycle. Synthesis and Verilator with
    // HOP_HASH_XOR defined use the XOR form below; tests/rtl/hash.cmake runs the hash test
    // on both, against the runtime's hashKey.
    localparam int NB = (KEY_W + 7) / 8;
    logic [OUT_W-1:0] tbl[NB][256];
    wire [8*NB-1:0] key_x = (8 * NB)'(key);

    initial begin
        for (int b = 0; b < NB; b++) begin
            for (int v = 0; v < 256; v++) begin
                tbl[b][v] = '0;
                for (int i = 0; i < 8; i++) begin
                    if (v[i] && 8 * b + i < KEY_W) begin
                        for (int j = 0; j < OUT_W; j++) begin
                            tbl[b][v][j] = tbl[b][v][j] ^ MASKS[j*KEY_W+8*b+i];
                        end
                    end
                end
            end
        end
    end

    always_comb begin
        hash = H0;
        for (int b = 0; b < NB; b++) hash = hash ^ tbl[b][key_x[8*b+:8]];
    end
`undef HOP_HASH_BYTE_TABLES
`else
    for (genvar j = 0; j < OUT_W; j++) begin : gen_bit
        assign hash[j] = H0[j] ^ (^(key & MASKS[j*KEY_W+:KEY_W]));
    end
`endif
endmodule

`resetall
