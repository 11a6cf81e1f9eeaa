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
// The whole function is linear in the key bits (plus a constant), so it synthesizes to one XOR
// per output bit over a subset of the key bits; no state, no latency.
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

    logic [31:0] crc;

    always_comb begin
        crc = 32'hFFFF_FFFF;
        for (int i = KEY_W - 1; i >= 0; i--) begin
            crc = {crc[30:0], 1'b0} ^ ((crc[31] ^ key[i]) ? POLY : 32'h0);
        end
        hash = '0;
        for (int i = 0; i < 32; i++) begin
            hash[i%OUT_W] = hash[i%OUT_W] ^ crc[i];
        end
    end
endmodule

`resetall
