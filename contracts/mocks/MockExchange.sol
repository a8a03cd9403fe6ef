// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice A toy order book for the session-key tests: makers place, modify and cancel orders,
///         and an owner-only-looking `withdraw` that a trading session must never reach.
contract MockExchange {
    struct Order {
        address maker;
        bool open;
        uint256 price;
        uint256 amount;
    }

    /// @notice The orders, by ID (IDs start at 1).
    mapping(uint256 id => Order) public orders;

    /// @notice How many orders were ever placed.
    uint256 public orderCount;

    /// @notice How many times `withdraw` was called by each address.
    mapping(address caller => uint256) public withdrawals;

    event OrderPlaced(uint256 indexed id, address indexed maker, uint256 price, uint256 amount);
    event OrderModified(uint256 indexed id, uint256 price, uint256 amount);
    event OrderCanceled(uint256 indexed id);

    error NotMaker(uint256 id, address caller);
    error OrderClosed(uint256 id);

    /// @notice Places an order for `msg.sender`.
    function placeOrder(uint256 price, uint256 amount) external returns (uint256 id) {
        id = ++orderCount;
        orders[id] = Order(msg.sender, true, price, amount);
        emit OrderPlaced(id, msg.sender, price, amount);
    }

    /// @notice Changes an open order of `msg.sender`.
    function modifyOrder(uint256 id, uint256 price, uint256 amount) external {
        Order storage order = _openOrderOf(id);
        (order.price, order.amount) = (price, amount);
        emit OrderModified(id, price, amount);
    }

    /// @notice Cancels an open order of `msg.sender`.
    function cancelOrder(uint256 id) external {
        _openOrderOf(id).open = false;
        emit OrderCanceled(id);
    }

    /// @notice Stands for any action a trading session must not take (moving funds out).
    function withdraw(address, uint256) external {
        ++withdrawals[msg.sender];
    }

    function _openOrderOf(uint256 id) private view returns (Order storage order) {
        order = orders[id];
        if (order.maker != msg.sender) revert NotMaker(id, msg.sender);
        if (!order.open) revert OrderClosed(id);
    }
}
