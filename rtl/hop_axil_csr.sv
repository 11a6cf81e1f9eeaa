// SPDX-License-Identifier: Apache-2.0
// AXI4-Lite slave to the internal CSR bus (rtl/README.md): one register read or write at a
// time, strobes registered, SLVERR for addresses past the map and for partial writes.
`default_nettype none

// Write: AW and W are held independently (either order, or together) until both are here and
// the B slot is free; then csr_wr pulses one cycle with csr_addr/csr_wdata and BVALID rises
// the same cycle. Read: AR is held until no read is in flight and at least two cycles have
// passed since the last write's strobe cycle (a read strobe comes 3 or more cycles after a
// write strobe: a block may answer a command written by the write that late, as
// hop_table_lpm's READ does); csr_rd pulses one cycle, the block's csr_rdata is taken the
// cycle after (the bus contract) and RVALID rises the cycle after that. Reads and writes share
// csr_addr, so they never strobe in the same cycle: when both are ready they alternate.
// Responses: SLVERR (and no strobe) for an address >= MAP_BYTES or a write whose WSTRB is not
// 4'hF (the bus has no byte enables and a register must never be half-written), OKAY
// otherwise; unmapped reads return 0. Addresses are byte addresses; bits [1:0] are ignored
// (csr_addr has them 0). AWPROT/ARPROT are ignored.
// Throughput: a write every 2 cycles, a read every 4, when B/R are taken at once.
module hop_axil_csr #(
    parameter int ADDR_W = 16,
    parameter logic [32:0] MAP_BYTES = 33'(1) << ADDR_W
) (
    input  wire               clk,
    input  wire               rst,
    input  wire  [ADDR_W-1:0] s_axil_awaddr,
    input  wire  [       2:0] s_axil_awprot,
    input  wire               s_axil_awvalid,
    output wire               s_axil_awready,
    input  wire  [      31:0] s_axil_wdata,
    input  wire  [       3:0] s_axil_wstrb,
    input  wire               s_axil_wvalid,
    output wire               s_axil_wready,
    output wire  [       1:0] s_axil_bresp,
    output wire               s_axil_bvalid,
    input  wire               s_axil_bready,
    input  wire  [ADDR_W-1:0] s_axil_araddr,
    input  wire  [       2:0] s_axil_arprot,
    input  wire               s_axil_arvalid,
    output wire               s_axil_arready,
    output wire  [      31:0] s_axil_rdata,
    output wire  [       1:0] s_axil_rresp,
    output wire               s_axil_rvalid,
    input  wire               s_axil_rready,
    output wire               csr_wr,
    output wire               csr_rd,
    output wire  [      31:0] csr_addr,
    output wire  [      31:0] csr_wdata,
    input  wire  [      31:0] csr_rdata
);
    localparam logic [1:0] RESP_OKAY = 2'b00;
    localparam logic [1:0] RESP_SLVERR = 2'b10;

    initial begin
        if (ADDR_W < 3 || ADDR_W > 32) $fatal(1, "%m: ADDR_W must be in 3..32");
        if (MAP_BYTES > (33'(1) << ADDR_W)) $fatal(1, "%m: MAP_BYTES exceeds the address space");
    end

    logic aw_held_q, w_held_q, ar_held_q;
    logic [ADDR_W-1:0] aw_addr_q, ar_addr_q;
    logic [31:0] w_data_q;
    logic [3:0] w_strb_q;
    logic b_valid_q;
    logic [1:0] b_resp_q;
    // Read in flight: rd_issue_q while csr_rd is up, rd_wait_q the cycle csr_rdata is valid.
    logic rd_issue_q, rd_wait_q, rd_err_q;
    logic r_valid_q;
    logic [31:0] r_data_q;
    logic [1:0] r_resp_q;
    logic csr_wr_q, csr_rd_q;
    logic [31:0] csr_addr_q, csr_wdata_q;
    logic prefer_rd_q;
    logic [1:0] wr_gap_q;  // a write was issued one / two cycles ago
    logic can_wr, rd_free, can_rd, do_wr, do_rd, wr_ok, rd_ok;

    wire unused_prot = ^{s_axil_awprot, s_axil_arprot};

    // One bus operation per cycle.
    always_comb begin
        can_wr = aw_held_q && w_held_q && !b_valid_q;
        rd_free = ar_held_q && !rd_issue_q && !rd_wait_q && !r_valid_q;
        can_rd = rd_free && wr_gap_q == 2'b00;
        // A read that waits only for the gap still has its turn: writes every other cycle
        // must not keep it out.
        do_wr = can_wr && !(rd_free && prefer_rd_q);
        do_rd = can_rd && !do_wr;
        wr_ok = 33'(aw_addr_q) < MAP_BYTES && w_strb_q == 4'hf;
        rd_ok = 33'(ar_addr_q) < MAP_BYTES;
    end

    // Every register is written under the event that changes it (no register copied to itself
    // every cycle): the block costs a simulator almost nothing while the bus is idle.
    always_ff @(posedge clk) begin
        // Channels in.
        if (s_axil_awvalid && !aw_held_q) aw_addr_q <= s_axil_awaddr;
        if (s_axil_wvalid && !w_held_q) begin
            w_data_q <= s_axil_wdata;
            w_strb_q <= s_axil_wstrb;
        end
        if (s_axil_arvalid && !ar_held_q) ar_addr_q <= s_axil_araddr;
        if (do_wr) begin
            csr_addr_q <= {30'(aw_addr_q[ADDR_W-1:2]), 2'b00};
            csr_wdata_q <= w_data_q;
            b_resp_q <= wr_ok ? RESP_OKAY : RESP_SLVERR;
        end
        if (do_rd) begin
            csr_addr_q <= {30'(ar_addr_q[ADDR_W-1:2]), 2'b00};
            rd_err_q <= !rd_ok;
        end
        if (rd_wait_q) begin
            r_data_q <= rd_err_q ? 32'h0 : csr_rdata;
            r_resp_q <= rd_err_q ? RESP_SLVERR : RESP_OKAY;
        end
        if (rst) begin
            aw_held_q <= 1'b0;
            w_held_q <= 1'b0;
            ar_held_q <= 1'b0;
            b_valid_q <= 1'b0;
            rd_issue_q <= 1'b0;
            rd_wait_q <= 1'b0;
            r_valid_q <= 1'b0;
            csr_wr_q <= 1'b0;
            csr_rd_q <= 1'b0;
            prefer_rd_q <= 1'b0;
            wr_gap_q <= 2'b00;
        end else begin
            // A channel is taken only while its holding register is empty and an operation
            // only empties full ones, so the two never meet on one register.
            if (s_axil_awvalid && !aw_held_q) aw_held_q <= 1'b1;
            if (s_axil_wvalid && !w_held_q) w_held_q <= 1'b1;
            if (s_axil_arvalid && !ar_held_q) ar_held_q <= 1'b1;
            if (b_valid_q && s_axil_bready) b_valid_q <= 1'b0;
            if (r_valid_q && s_axil_rready) r_valid_q <= 1'b0;
            rd_issue_q <= do_rd;
            rd_wait_q <= rd_issue_q;
            csr_wr_q <= do_wr && wr_ok;
            if (do_wr || wr_gap_q != 2'b00) wr_gap_q <= {wr_gap_q[0], do_wr};
            csr_rd_q <= do_rd && rd_ok;
            if (do_wr) begin
                aw_held_q <= 1'b0;
                w_held_q <= 1'b0;
                b_valid_q <= 1'b1;
                prefer_rd_q <= 1'b1;
            end
            if (do_rd) begin
                ar_held_q <= 1'b0;
                prefer_rd_q <= 1'b0;
            end
            if (rd_wait_q) r_valid_q <= 1'b1;
        end
    end

    assign s_axil_awready = !aw_held_q;
    assign s_axil_wready = !w_held_q;
    assign s_axil_arready = !ar_held_q;
    assign s_axil_bvalid = b_valid_q;
    assign s_axil_bresp = b_resp_q;
    assign s_axil_rvalid = r_valid_q;
    assign s_axil_rdata = r_data_q;
    assign s_axil_rresp = r_resp_q;
    assign csr_wr = csr_wr_q;
    assign csr_rd = csr_rd_q;
    assign csr_addr = csr_addr_q;
    assign csr_wdata = csr_wdata_q;
endmodule

`resetall
