// SPDX-License-Identifier: Apache-2.0
// LPM table: pipelined multibit trie (runtime/tables/lpm.hpp builds the image), one memory per
// level, one lookup per clock; words written through CSR staging registers and one commit.
`default_nettype none

// Lookup: L0 is direct-indexed by the top STRIDES[0] key bits; levels 1..LEVELS-1 are trie
// nodes; a final read of the result memory. Two cycles per level plus two:
// LATENCY = 2*LEVELS + 2. result_action/result_data are the result word {action, params}
// (for a big table: an index into a separate action-data memory); on a miss, the default
// result register ({DEFAULT_ACTION, 0} after reset).
//
// After reset an init walk writes every L0 word zero (node_valid = res_valid = 0): 2^STRIDES[0]
// cycles with INFO.busy = 1, during which lookups miss and COMMIT / READ are ignored, so the
// runtime waits for busy = 0 (the trie and result memories need no clearing: only L0 words
// lead to them).
//
// CSR map (byte offsets from BASE, SPAN 0x400):
//   0x000 ID      RO  "LPM" 0x4c504d01
//   0x004 INFO    RO  {LEVELS[7:0], busy, LATENCY[6:0], KEY_W[15:0]}
//   0x008 COMMIT  WO  {sel[7:0], addr[23:0]}: STAGE -> memory sel, word addr, in one cycle;
//                     ignored when addr is not below the memory's depth
//   0x00C READ    WO  {sel[7:0], addr[23:0]}: memory word -> RDATA three cycles later (zero
//                     when addr is not below the memory's depth)
//   0x010 HIT_LO  R   hit counter [31:0] (lookups that matched a prefix); reading it latches
//                     [63:32] for HIT_HI. W: clears the counter.
//   0x014 HIT_HI  R   hit counter [63:32] as latched by the last HIT_LO / MISS_LO read
//   0x018 MISS_LO R   miss counter [31:0], latches [63:32]. W: clears the counter.
//   0x01C MISS_HI R   latched miss counter [63:32]
//   0x100 STAGE[i] RW 32-bit chunks of the word to commit, least significant first
//   0x200 RDATA[i] RO the word READ fetched
// sel: 0 = L0, 1..LEVELS-1 = trie levels, LEVELS = results, 255 = default result.
// Memories: L0 2^STRIDES[0] words, trie level k NODE_DEPTH[k] words (its node capacity), results
// RES_DEPTH words: exactly the capacities the register map gives (regmap.json's lpm object), not
// rounded up to powers of two. The image builder never writes beyond them.
// Every lookup_valid cycle is one lookup and counts once, as a hit or a miss.
module hop_table_lpm #(
    parameter int            KEY_W    = 16,
    parameter int            LEVELS   = 4,
    // Byte k = stride of level k (level 0 in the low byte); at most 16 levels.
    parameter logic  [127:0] STRIDES  = 128'h04040404,
    // Byte k = address width of trie level k's node memory (k >= 1; byte 0 unused).
    parameter logic  [127:0] NODE_AW  = 128'h04040400,
    // 32-bit word k = words of trie level k's node memory (k >= 1; word 0 unused), whose
    // address width NODE_AW byte k must be ($clog2, at least 1).
    parameter logic  [511:0] NODE_DEPTH = 512'h10_00000010_00000010_00000000,
    parameter int            RES_AW   = 6,
    parameter int            RES_DEPTH = 64,  // words of the result memory (address RES_AW)
    parameter int            ACTION_W = 2,
    parameter int            PARAM_W  = 8,
    parameter logic   [31:0] BASE     = 32'h0,
    parameter int            DEFAULT_ACTION = 0,  // default result's action until written
    parameter int            LATENCY  = 2 * LEVELS + 2
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 lookup_valid,
    input  wire     [KEY_W-1:0] lookup_key,
    output logic                result_valid,
    output logic                result_hit,
    output logic [ACTION_W-1:0] result_action,
    output logic  [PARAM_W-1:0] result_data,
    input  wire                 csr_wr,
    input  wire                 csr_rd,
    input  wire          [31:0] csr_addr,
    input  wire          [31:0] csr_wdata,
    output logic         [31:0] csr_rdata
);
    localparam int RW = ACTION_W + PARAM_W;
    localparam int S0 = {24'd0, STRIDES[7:0]};
    localparam int AW1 = {24'd0, NODE_AW[15:8]};
    localparam int W0 = RES_AW + 2 + AW1;
    // The CSR map above as numbers (byte offsets from BASE): runtime/tables/lpm_csr.hpp is the
    // C++ side, checked equal by the block's Verilated tests.
    localparam int OFF_ID  /*verilator public*/ = 32'h000;
    localparam int OFF_INFO  /*verilator public*/ = 32'h004;
    localparam int OFF_COMMIT  /*verilator public*/ = 32'h008;
    localparam int OFF_READ  /*verilator public*/ = 32'h00c;
    localparam int OFF_HIT_LO  /*verilator public*/ = 32'h010;
    localparam int OFF_HIT_HI  /*verilator public*/ = 32'h014;
    localparam int OFF_MISS_LO  /*verilator public*/ = 32'h018;
    localparam int OFF_MISS_HI  /*verilator public*/ = 32'h01c;
    localparam int OFF_STAGE  /*verilator public*/ = 32'h100;
    localparam int OFF_RDATA  /*verilator public*/ = 32'h200;
    localparam int SPAN  /*verilator public*/ = 32'h400;
    localparam int ID_VALUE  /*verilator public*/ = 32'h4c504d01;
    localparam int DEFAULT_SEL  /*verilator public*/ = 255;

    // Verilog-2005 function style: what Yosys 0.23 evaluates at elaboration.
    function automatic integer stride_of(input integer k);
        stride_of = {24'd0, STRIDES[8*k+:8]};
    endfunction
    function automatic integer aw_of(input integer k);
        aw_of = {24'd0, NODE_AW[8*k+:8]};
    endfunction
    function automatic integer words_of(input integer k);
        words_of = NODE_DEPTH[32*k+:32];
    endfunction
    function automatic integer clog2_of(input integer n);  // at least 1, as hop_lpm_ram has
        integer i;
        clog2_of = 1;
        for (i = 1; i < 31; i = i + 1) if ((1 << i) < n) clog2_of = i + 1;
    endfunction
    function automatic integer bad_depths(input integer dummy);
        integer k;
        bad_depths = 0;
        for (k = 1; k < LEVELS; k = k + 1)
            if (words_of(k) < 1 || words_of(k) > (1 << 24) || aw_of(k) != clog2_of(words_of(k)))
                bad_depths = bad_depths + 1;
        bad_depths = bad_depths + 0 * dummy;
    endfunction
    function automatic integer depth_of(input integer k);
        integer i;
        depth_of = 0;
        for (i = 0; i < k; i = i + 1) depth_of = depth_of + stride_of(i);
    endfunction
    function automatic integer node_w(input integer k);
        node_w = RES_AW + (1 << (stride_of(k) + 1)) - 2;
        if (k < LEVELS - 1) node_w = node_w + aw_of(k + 1) + (1 << stride_of(k));
    endfunction
    function automatic integer max_w(input integer dummy);
        integer k;
        max_w = W0 > RW ? W0 : RW;
        for (k = 1; k < LEVELS; k = k + 1) if (node_w(k) > max_w) max_w = node_w(k);
        max_w = max_w + 0 * dummy;
    endfunction
    function automatic integer max_aw(input integer dummy);
        integer k;
        max_aw = S0 > RES_AW ? S0 : RES_AW;
        for (k = 1; k < LEVELS; k = k + 1) if (aw_of(k) > max_aw) max_aw = aw_of(k);
        max_aw = max_aw + 0 * dummy;
    endfunction
    localparam int MAXW = max_w(0);
    localparam int NSTAGE = (MAXW + 31) / 32;
    localparam int SW = 32 * NSTAGE;
    localparam int PW = max_aw(0);

    initial begin
        if (LEVELS < 2 || LEVELS > 16) $fatal(1, "%m: LEVELS must be 2..16");
        if (depth_of(LEVELS) != KEY_W) $fatal(1, "%m: STRIDES must sum to KEY_W");
        if (S0 < 1 || S0 > 24) $fatal(1, "%m: level 0 stride must be 1..24");
        if (LATENCY != 2 * LEVELS + 2) $fatal(1, "%m: LATENCY must be 2*LEVELS+2");
        if (NSTAGE > 64) $fatal(1, "%m: node words wider than 2048 bits");
        if (RES_AW > 24 || PW > 24) $fatal(1, "%m: address widths are at most 24 bits");
        if (bad_depths(0) != 0)
            $fatal(1, "%m: NODE_DEPTH words must be 1..2^24 with NODE_AW = their $clog2");
        if (RES_DEPTH < 1 || RES_DEPTH > (1 << 24) || RES_AW != clog2_of(RES_DEPTH))
            $fatal(1, "%m: RES_DEPTH must be 1..2^24 with RES_AW = its $clog2");
        if (RW > 64) $fatal(1, "%m: ACTION_W + PARAM_W must be at most 64");
        if (DEFAULT_ACTION < 0 || DEFAULT_ACTION >= (1 << ACTION_W))
            $fatal(1, "%m: DEFAULT_ACTION does not fit ACTION_W");
        if ((BASE & (SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to 0x400");
    end

    // ---------------------------------------------------------------- CSR
    // BASE is aligned to SPAN, so the window and the offsets are bit fields of csr_addr.
    wire in_window = csr_addr[31:10] == BASE[31:10];
    wire [9:0] off = csr_addr[9:0];
    wire [5:0] chunk_idx = off[7:2];  // chunk of STAGE / RDATA addressed
    wire chunk_ok = 32'(chunk_idx) < NSTAGE;
    wire is_stage = off[9:8] == 2'(OFF_STAGE >> 8) && chunk_ok;
    wire is_rdata = off[9:8] == 2'(OFF_RDATA >> 8) && chunk_ok;
    wire wr_at = csr_wr && in_window;
    logic init_q;  // the init walk is running (INFO.busy)
    logic [S0-1:0] init_idx_q;
    wire commit = wr_at && off == 10'(OFF_COMMIT) && !init_q;
    wire read_cmd = wr_at && off == 10'(OFF_READ) && !init_q;
    wire [7:0] cmd_sel = csr_wdata[31:24];
    // COMMIT writes and READ fetches memory k (0 = L0, LEVELS = results) only when the
    // command's word address lies inside it. we_hot: the memory a COMMIT writes (one-hot or
    // zero), decoded only in a COMMIT's cycle.
    wire [31:0] cmd_addr = {8'd0, csr_wdata[23:0]};
    function automatic integer mem_words(input integer k);
        if (k == 0) mem_words = 1 << S0;
        else if (k == LEVELS) mem_words = RES_DEPTH;
        else mem_words = words_of(k);
    endfunction
    logic [LEVELS:0] we_hot;
    always_comb begin
        we_hot = '0;
        if (commit)
            for (int k = 0; k <= LEVELS; k++) we_hot[k] = cmd_sel == 8'(k) && cmd_addr < mem_words(k);
    end

    logic [SW-1:0] stage_q, rdata_q;
    logic [RW-1:0] default_q;
    logic read1_q, read_def_q, rd_q;
    logic [LEVELS:0] read_hot_q;  // the memory READ fetched from, if its address was inside
    logic [31:0] csr_rdata_q, snap_q;
    logic [63:0] hit_cnt_q, miss_cnt_q;
    logic count_hit, count_miss;  // from the output stage
    logic [(LEVELS+1)*SW-1:0] rb_bus;  // every memory's port-B read data, zero-extended

    // STAGE: one register per chunk, loaded only when written (no copy of the word per clock).
    for (genvar c = 0; c < NSTAGE; c++) begin : gen_stage
        always_ff @(posedge clk) begin
            if (wr_at && is_stage && chunk_idx == 6'(c)) stage_q[32*c+:32] <= csr_wdata;
        end
    end

    // RDATA: the READ command's port-B data arrives one cycle later and is registered as it
    // is (a deep memory's data comes through Yosys's multiplexer after its URAMs, about 7
    // levels); the cycle after, AND-OR of the memory READ named (one-hot, zero when its
    // address was outside), or the default result. Both only in their cycles (no wide function
    // arguments: a Verilated model would clear them every clock). RDATA is ready three cycles
    // after the READ strobe; hop_axil_csr keeps a read strobe that far from a write's.
    logic read2_q;
    logic [(LEVELS+1)*SW-1:0] rb_bus_q;
    always_ff @(posedge clk) begin : rb_read
        logic [SW-1:0] pick;
        if (read1_q) rb_bus_q <= rb_bus;
        if (read2_q) begin
            pick = read_def_q ? SW'(default_q) : '0;
            for (int k = 0; k <= LEVELS; k++)
                pick = pick | (rb_bus_q[k*SW+:SW] & {SW{read_hot_q[k]}});
            rdata_q <= pick;
        end
    end

    // A CSR read answers the next cycle, and csr_rdata is zero in every other cycle (the bus
    // ORs the blocks' answers); the counters count the output stage's registered strobes.
    always_ff @(posedge clk) begin
        if (csr_rd && in_window) begin
            case (off)
                10'(OFF_ID): csr_rdata_q <= ID_VALUE;
                10'(OFF_INFO): csr_rdata_q <= {8'(LEVELS), init_q, 7'(LATENCY), 16'(KEY_W)};
                10'(OFF_HIT_LO): begin
                    csr_rdata_q <= hit_cnt_q[31:0];
                    snap_q <= hit_cnt_q[63:32];
                end
                10'(OFF_MISS_LO): begin
                    csr_rdata_q <= miss_cnt_q[31:0];
                    snap_q <= miss_cnt_q[63:32];
                end
                10'(OFF_HIT_HI), 10'(OFF_MISS_HI): csr_rdata_q <= snap_q;
                default: begin
                    if (is_stage) csr_rdata_q <= stage_q[32*chunk_idx+:32];
                    else if (is_rdata) csr_rdata_q <= rdata_q[32*chunk_idx+:32];
                    else csr_rdata_q <= '0;
                end
            endcase
        end else if (rd_q) begin
            csr_rdata_q <= '0;
        end
        if (read_cmd) begin
            read_def_q <= cmd_sel == 8'(DEFAULT_SEL);
            for (int k = 0; k <= LEVELS; k++)
                read_hot_q[k] <= cmd_sel == 8'(k) && cmd_addr < mem_words(k);
        end
        if (rst) begin
            rd_q <= 1'b0;
            csr_rdata_q <= '0;
            read1_q <= 1'b0;
            read2_q <= 1'b0;
            default_q <= RW'(DEFAULT_ACTION) << PARAM_W;
            hit_cnt_q <= '0;
            miss_cnt_q <= '0;
            init_q <= 1'b1;
            init_idx_q <= '0;
        end else begin
            rd_q <= csr_rd && in_window;
            read1_q <= read_cmd;
            read2_q <= read1_q;
            if (commit && cmd_sel == 8'(DEFAULT_SEL)) default_q <= stage_q[RW-1:0];
            if (wr_at && off == 10'(OFF_HIT_LO)) hit_cnt_q <= '0;
            else if (count_hit) hit_cnt_q <= hit_cnt_q + 1'b1;
            if (wr_at && off == 10'(OFF_MISS_LO)) miss_cnt_q <= '0;
            else if (count_miss) miss_cnt_q <= miss_cnt_q + 1'b1;
            if (init_q) begin
                init_idx_q <= init_idx_q + 1'b1;
                if (init_idx_q == '1) init_q <= 1'b0;
            end
        end
    end
    assign csr_rdata = csr_rdata_q;

    // ---------------------------------------------------------------- pipeline
    // A lookup moves from level to level as one stage word (hop_lpm_level's header):
    // {key[KSW], base[RES_AW], rank_hi[RKM], rank_lo[RKM], hit, go}, the key's bits below L0's
    // chunk, the result index as {base, rank} (hop_lpm_level adds where it is used), rank halves
    // as wide as the widest level's. gen_level[k].stage is what trie level k registered for level
    // k+1 (the last one's feeds the result read); its ptr/rd are level k+1's node address and
    // read enable, combinational in the cycle before the stage word of the same lookup.
    function automatic integer max_rk(input integer dummy);
        integer k;
        max_rk = 1;
        for (k = 1; k < LEVELS; k = k + 1)
            if (clog2_of((1 << (stride_of(k) + 1)) - 2) > max_rk)
                max_rk = clog2_of((1 << (stride_of(k) + 1)) - 2);
        max_rk = max_rk + 0 * dummy;
    endfunction
    localparam int KSW = KEY_W - S0;
    localparam int RKM = max_rk(0);
    localparam int SWD = KSW + RES_AW + 2 * RKM + 2;

    // Level 0: direct read by the top key bits.
    logic [W0-1:0] l0_word, l0_rb;
    hop_lpm_ram #(
        .W    (W0),
        .DEPTH(1 << S0),
        .AW   (S0)
    ) u_l0 (
        .clk    (clk),
        .a_en   (lookup_valid),
        .a_addr (lookup_key[KEY_W-1-:S0]),
        .a_rdata(l0_word),
        .b_we   (init_q || we_hot[0]),
        .b_re   (read_cmd),
        .b_addr (init_q ? init_idx_q : csr_wdata[S0-1:0]),
        .b_wdata(init_q ? '0 : stage_q[W0-1:0]),
        .b_rdata(l0_rb)
    );
    assign rb_bus[0+:W0] = l0_rb;
    assign rb_bus[W0+:SW-W0] = '0;

    // The L0 word addresses level 1's node memory as it arrives (level 0 has no rank to add),
    // and the rest of it is registered beside that read. A lookup that read L0 while the init
    // walk ran misses (the word may be stale).
    logic l0_valid_q, l0_busy_q, s0_valid_q;
    logic [KSW-1:0] l0_key_q;
    logic [SWD-1:0] s0_q;
    always_ff @(posedge clk) begin
        if (lookup_valid) l0_key_q <= lookup_key[KSW-1:0];
        if (l0_valid_q)
            s0_q <= {l0_key_q, l0_word[RES_AW-1:0], (2 * RKM)'(0),
                     l0_word[RES_AW] && !l0_busy_q, l0_word[RES_AW+1+AW1] && !l0_busy_q};
        if (rst) begin
            l0_valid_q <= 1'b0;
            l0_busy_q <= 1'b1;
            s0_valid_q <= 1'b0;
        end else begin
            l0_valid_q <= lookup_valid;
            l0_busy_q <= init_q;
            s0_valid_q <= l0_valid_q;
        end
    end

    for (genvar k = 1; k < LEVELS; k++) begin : gen_level
        localparam int S = stride_of(k);
        localparam int AW = aw_of(k);
        localparam int ND = words_of(k);
        localparam int LAST = k == LEVELS - 1 ? 1 : 0;
        localparam int CAW = LAST != 0 ? 1 : aw_of(k + 1);
        localparam int NW = node_w(k);
        localparam int RK_W = clog2_of((1 << (S + 1)) - 2);
        localparam int IN_RK_W = k == 1 ? 1 : clog2_of((1 << (stride_of(k - 1) + 1)) - 2);
        // This level's inputs (from L0 or the level above) and outputs; the last level's
        // pointer and read enable, and its stage word's key and go, have no reader.
        logic in_rd, in_valid;
        logic [AW-1:0] in_ptr;
        logic [SWD-1:0] in_stage;
        /* verilator lint_off UNUSEDSIGNAL */
        logic rd, valid;
        logic [CAW-1:0] ptr;
        logic [SWD-1:0] stage;
        /* verilator lint_on UNUSEDSIGNAL */
        logic [NW-1:0] rb;
        if (k == 1) begin : gen_from_l0
            assign in_rd = l0_valid_q;
            assign in_ptr = l0_word[RES_AW+1+:AW];
            assign in_valid = s0_valid_q;
            assign in_stage = s0_q;
        end else begin : gen_from_level
            assign in_rd = gen_level[k-1].rd;
            assign in_ptr = gen_level[k-1].ptr;
            assign in_valid = gen_level[k-1].valid;
            assign in_stage = gen_level[k-1].stage;
        end
        hop_lpm_level #(
            .KEY_W   (KEY_W),
            .DEPTH   (depth_of(k)),
            .STRIDE  (S),
            .NODES   (ND),
            .AW      (AW),
            .CHILD_AW(CAW),
            .RES_AW  (RES_AW),
            .LAST    (LAST),
            .IN_RK_W (IN_RK_W),
            .RK_W    (RK_W),
            .KSW     (KSW),
            .RKM     (RKM),
            .SWD     (SWD)
        ) u_level (
            .clk      (clk),
            .rst      (rst),
            .in_rd    (in_rd),
            .in_ptr   (in_ptr),
            .in_valid (in_valid),
            .in_stage (in_stage),
            .out_ptr  (ptr),
            .out_rd   (rd),
            .out_valid(valid),
            .out_stage(stage),
            .b_we     (we_hot[k]),
            .b_re     (read_cmd),
            .b_addr   (csr_wdata[AW-1:0]),
            .b_wdata  (stage_q[NW-1:0]),
            .b_rdata  (rb)
        );
        assign rb_bus[k*SW+:NW] = rb;
        if (NW < SW) begin : gen_pad
            assign rb_bus[k*SW+NW+:SW-NW] = '0;
        end
    end

    // Result memory: the last stage's best index, read for a lookup that hit.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [SWD-1:0] last_stage = gen_level[LEVELS-1].stage;
    /* verilator lint_on UNUSEDSIGNAL */
    wire last_valid = gen_level[LEVELS-1].valid;
    logic [RW-1:0] res_word, res_rb;
    wire [RES_AW-1:0] res_addr = last_stage[2+2*RKM+:RES_AW] + RES_AW'(last_stage[2+:RKM]) +
        RES_AW'(last_stage[2+RKM+:RKM]);
    hop_lpm_ram #(
        .W    (RW),
        .DEPTH(RES_DEPTH),
        .AW   (RES_AW)
    ) u_results (
        .clk    (clk),
        .a_en   (last_valid && last_stage[1]),
        .a_addr (res_addr),
        .a_rdata(res_word),
        .b_we   (we_hot[LEVELS]),
        .b_re   (read_cmd),
        .b_addr (csr_wdata[RES_AW-1:0]),
        .b_wdata(stage_q[RW-1:0]),
        .b_rdata(res_rb)
    );
    assign rb_bus[LEVELS*SW+:RW] = res_rb;
    if (RW < SW) begin : gen_res_pad
        assign rb_bus[LEVELS*SW+RW+:SW-RW] = '0;
    end

    logic fin_valid_q, fin_hit_q;
    logic out_valid_q, out_hit_q;
    logic [RW-1:0] out_word_q;
    always_ff @(posedge clk) begin
        fin_hit_q <= last_stage[1];
        out_hit_q <= fin_hit_q;
        out_word_q <= fin_hit_q ? res_word : default_q;
        if (rst) begin
            fin_valid_q <= 1'b0;
            out_valid_q <= 1'b0;
        end else begin
            fin_valid_q <= last_valid;
            out_valid_q <= fin_valid_q;
        end
    end
    assign count_hit = out_valid_q && out_hit_q;
    assign count_miss = out_valid_q && !out_hit_q;
    assign result_valid = out_valid_q;
    assign result_hit = out_hit_q;
    assign {result_action, result_data} = out_word_q;
endmodule

`resetall
