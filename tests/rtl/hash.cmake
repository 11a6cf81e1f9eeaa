# SPDX-License-Identifier: Apache-2.0
# hop_hash on its own: against runtime/tables/hash at several key and output widths and both
# polynomials of hop_table_exact, and (72-bit key, 32-bit output, CRC-32) the CRC-32/MPEG-2
# check value.
foreach(cfg "72;32;0x04C11DB7" "13;7;0x1EDC6F41" "104;10;0x04C11DB7" "1;1;0x1EDC6F41")
    list(GET cfg 0 key_w)
    list(GET cfg 1 out_w)
    list(GET cfg 2 poly)
    string(SUBSTRING ${poly} 2 -1 poly_hex)
    hop_rtl_test(hop_hash SUFFIX _k${key_w}_o${out_w}
                 PARAMS -GKEY_W=${key_w} -GOUT_W=${out_w} "-GPOLY=32'h${poly_hex}")
    target_compile_definitions(hop_hash_k${key_w}_o${out_w}_test PRIVATE HASH_KEY_W=${key_w}
                               HASH_OUT_W=${out_w} HASH_POLY=${poly}u)
    target_link_libraries(hop_hash_k${key_w}_o${out_w}_test PRIVATE hop_tables)
endforeach()
# A Verilated model computes the hash with byte tables (hop_hash.sv); synthesis uses the XOR
# form. The same test on the XOR form (HOP_HASH_XOR) at two of the widths: both forms equal the
# runtime's hashKey, so each other. Not a depth configuration (the one above is the same logic).
foreach(cfg "72;32;0x04C11DB7" "13;7;0x1EDC6F41")
    list(GET cfg 0 key_w)
    list(GET cfg 1 out_w)
    list(GET cfg 2 poly)
    string(SUBSTRING ${poly} 2 -1 poly_hex)
    set(name hop_hash_xor_k${key_w}_o${out_w})
    hop_rtl_test(hop_hash SUFFIX _xor_k${key_w}_o${out_w}
                 PARAMS -GKEY_W=${key_w} -GOUT_W=${out_w} "-GPOLY=32'h${poly_hex}" -DHOP_HASH_XOR)
    target_compile_definitions(${name}_test PRIVATE HASH_KEY_W=${key_w} HASH_OUT_W=${out_w}
                               HASH_POLY=${poly}u)
    target_link_libraries(${name}_test PRIVATE hop_tables)
    get_property(configs GLOBAL PROPERTY HOP_RTL_CONFIGS)
    list(REMOVE_ITEM configs ${name})
    set_property(GLOBAL PROPERTY HOP_RTL_CONFIGS ${configs})
endforeach()
