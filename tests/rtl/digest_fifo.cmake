# SPDX-License-Identifier: Apache-2.0
# hop_digest_fifo (issue 15, v1model's digests): entries of one word, of three words with a
# partial top word (73 bits: learning_switch.p4's 48 + 9 bits and a 16-bit digest number), and
# of seven words; shallow and deeper FIFOs. The testbench reads the word offsets and the span
# from compiler/src/regmap/digest_words.hpp.
foreach(cfg "32;4;0x0" "73;16;0x2000" "200;8;0x40")
    list(GET cfg 0 width)
    list(GET cfg 1 depth)
    list(GET cfg 2 base)
    string(SUBSTRING ${base} 2 -1 base_hex)
    math(EXPR words "(${width} + 31) / 32")
    math(EXPR bytes "4 * (4 + ${words})")
    set(span 32)
    while(span LESS bytes)
        math(EXPR span "${span} * 2")
    endwhile()
    set(name hop_digest_fifo_w${width})
    hop_rtl_test(hop_digest_fifo SUFFIX _w${width}
                 PARAMS -GDATA_W=${width} -GDEPTH=${depth} "-GBASE=32'h${base_hex}"
                        -GSPAN=${span})
    target_compile_definitions(${name}_test PRIVATE DF_WIDTH=${width} DF_DEPTH=${depth}u
                               DF_BASE=${base}u DF_SPAN=${span}u)
endforeach()
