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
