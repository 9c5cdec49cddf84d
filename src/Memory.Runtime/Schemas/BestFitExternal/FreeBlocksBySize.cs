namespace Memory.Schemas;

/// <summary>
/// The free blocks of an external range ordered by (size, offset): an AVL tree in flat arrays, so that
/// best fit is a lower-bound search and the steady state allocates nothing on the managed heap.
/// </summary>
/// <remarks>
/// Keys are unique because two free blocks never start at the same offset. The tree answers three
/// questions: add a block, remove a block, and "the first block not smaller than (size, offset)", which
/// the best-fit search repeats to walk upwards through candidates that alignment disqualifies.
/// </remarks>
internal sealed class FreeBlocksBySize
{
    private const int None = -1;

    private Node[] _nodes = new Node[16];
    private int _root = None;
    private int _unusedSlot = None; // Slots of removed nodes, chained through Left.
    private int _slotsInUse;

    private struct Node
    {
        public long Size;
        public long Offset;
        public int Left;
        public int Right;
        public int Height;
    }

    /// <summary>How many free blocks the tree holds.</summary>
    public int Count { get; private set; }

    /// <summary>The size of the largest free block, or 0 when there is none.</summary>
    public long LargestSize
    {
        get
        {
            if (_root == None)
                return 0;
            int node = _root;
            while (_nodes[node].Right != None)
                node = _nodes[node].Right;
            return _nodes[node].Size;
        }
    }

    /// <summary>Adds a free block; it must not be in the tree already.</summary>
    public void Add(long size, long offset)
    {
        _root = Insert(_root, size, offset);
        Count++;
    }

    /// <summary>Removes a free block that is in the tree.</summary>
    public void Remove(long size, long offset)
    {
        _root = Delete(_root, size, offset);
        Count--;
    }

    /// <summary>Finds the smallest block ordered at or after (<paramref name="size"/>, <paramref name="offset"/>).</summary>
    public bool TryFindAtLeast(long size, long offset, out long foundSize, out long foundOffset)
    {
        int best = None;
        int node = _root;
        while (node != None)
        {
            ref Node n = ref _nodes[node];
            if (Compare(n.Size, n.Offset, size, offset) >= 0)
            {
                best = node;
                node = n.Left;
            }
            else
            {
                node = n.Right;
            }
        }

        if (best == None)
        {
            foundSize = foundOffset = 0;
            return false;
        }
        foundSize = _nodes[best].Size;
        foundOffset = _nodes[best].Offset;
        return true;
    }

    private static int Compare(long sizeA, long offsetA, long sizeB, long offsetB)
        => sizeA != sizeB ? sizeA.CompareTo(sizeB) : offsetA.CompareTo(offsetB);

    private int Insert(int node, long size, long offset)
    {
        if (node == None)
            return NewNode(size, offset);

        int order = Compare(size, offset, _nodes[node].Size, _nodes[node].Offset);
        if (order == 0)
            throw new InvalidOperationException($"Free block ({size}, {offset}) is already in the tree.");
        // The child is computed before it is stored: inserting may grow (replace) the node array, and
        // "_nodes[node].Left = Insert(...)" would store into the old one.
        if (order < 0)
        {
            int left = Insert(_nodes[node].Left, size, offset);
            _nodes[node].Left = left;
        }
        else
        {
            int right = Insert(_nodes[node].Right, size, offset);
            _nodes[node].Right = right;
        }
        return Rebalance(node);
    }

    private int Delete(int node, long size, long offset)
    {
        if (node == None)
            throw new InvalidOperationException($"Free block ({size}, {offset}) is not in the tree.");

        int order = Compare(size, offset, _nodes[node].Size, _nodes[node].Offset);
        if (order < 0)
        {
            _nodes[node].Left = Delete(_nodes[node].Left, size, offset);
            return Rebalance(node);
        }
        if (order > 0)
        {
            _nodes[node].Right = Delete(_nodes[node].Right, size, offset);
            return Rebalance(node);
        }

        int left = _nodes[node].Left;
        int right = _nodes[node].Right;
        ReleaseNode(node);
        if (left == None)
            return right;
        if (right == None)
            return left;

        // Two children: the smallest node of the right subtree takes this node's place.
        int successor = right;
        while (_nodes[successor].Left != None)
            successor = _nodes[successor].Left;
        _nodes[successor].Right = DetachMinimum(right);
        _nodes[successor].Left = left;
        return Rebalance(successor);
    }

    private int DetachMinimum(int node)
    {
        if (_nodes[node].Left == None)
            return _nodes[node].Right;
        _nodes[node].Left = DetachMinimum(_nodes[node].Left);
        return Rebalance(node);
    }

    private int Height(int node) => node == None ? 0 : _nodes[node].Height;

    private void UpdateHeight(int node)
        => _nodes[node].Height = 1 + Math.Max(Height(_nodes[node].Left), Height(_nodes[node].Right));

    private int Rebalance(int node)
    {
        UpdateHeight(node);
        int balance = Height(_nodes[node].Left) - Height(_nodes[node].Right);
        if (balance > 1)
        {
            int left = _nodes[node].Left;
            if (Height(_nodes[left].Left) < Height(_nodes[left].Right))
                _nodes[node].Left = RotateLeft(left);
            return RotateRight(node);
        }
        if (balance < -1)
        {
            int right = _nodes[node].Right;
            if (Height(_nodes[right].Right) < Height(_nodes[right].Left))
                _nodes[node].Right = RotateRight(right);
            return RotateLeft(node);
        }
        return node;
    }

    private int RotateRight(int node)
    {
        int pivot = _nodes[node].Left;
        _nodes[node].Left = _nodes[pivot].Right;
        _nodes[pivot].Right = node;
        UpdateHeight(node);
        UpdateHeight(pivot);
        return pivot;
    }

    private int RotateLeft(int node)
    {
        int pivot = _nodes[node].Right;
        _nodes[node].Right = _nodes[pivot].Left;
        _nodes[pivot].Left = node;
        UpdateHeight(node);
        UpdateHeight(pivot);
        return pivot;
    }

    private int NewNode(long size, long offset)
    {
        int slot;
        if (_unusedSlot != None)
        {
            slot = _unusedSlot;
            _unusedSlot = _nodes[slot].Left;
        }
        else
        {
            if (_slotsInUse == _nodes.Length)
                Array.Resize(ref _nodes, _nodes.Length * 2);
            slot = _slotsInUse++;
        }
        _nodes[slot] = new Node { Size = size, Offset = offset, Left = None, Right = None, Height = 1 };
        return slot;
    }

    private void ReleaseNode(int node)
    {
        _nodes[node].Left = _unusedSlot;
        _unusedSlot = node;
    }
}
