using System.Runtime.CompilerServices;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The free blocks of the tree heap in a red-black tree ordered by size, then address, so that the best
/// fit (the smallest block that is large enough, lowest address among equals) is found in O(log n).
/// </summary>
/// <remarks>
/// The tree is intrusive: a node is the free block's own memory, so it costs no allocation and a block
/// leaves the tree the moment it is handed out. Node layout at the block's memory address <c>n</c>
/// (8-byte slots): <c>[n + 0]</c> left child, <c>[n + 8]</c> right child, <c>[n + 16]</c> parent with the
/// colour in bit 0 (1 = red; blocks are 16-byte aligned so the bit is free). The key's size is read from
/// the block's <see cref="BoundaryTag"/>. The balancing follows Cormen et al., with null children handled
/// by tracking the parent of the node being fixed up instead of using a sentinel.
/// Not thread-safe: the owner holds its lock around every call.
/// </remarks>
internal unsafe struct FreeBlockTree
{
    private const nint RedBit = 1;

    private nint _root;
    private int _count;

    /// <summary>The number of free blocks in the tree.</summary>
    public readonly int Count => _count;

    /// <summary>The root node, or 0 when the tree is empty.</summary>
    public readonly nint Root => _root;

    /// <summary>The key size of a node: the size of the free block it lives in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint KeyOf(nint node) => BoundaryTag.BlockSize(BoundaryTag.HeaderOf(node));

    /// <summary>Adds the free block whose memory starts at <paramref name="node"/>.</summary>
    public void Insert(nint node)
    {
        nint size = KeyOf(node);
        nint parent = 0;
        ref nint link = ref _root;
        while (link != 0)
        {
            parent = link;
            nint parentSize = KeyOf(parent);
            bool goLeft = size < parentSize || (size == parentSize && node < parent);
            link = ref goLeft ? ref LeftSlot(parent) : ref RightSlot(parent);
        }

        SetLeft(node, 0);
        SetRight(node, 0);
        ParentSlot(node) = parent | RedBit;
        link = node;
        _count++;
        InsertFixup(node);
    }

    /// <summary>Removes a node that is in the tree.</summary>
    public void Remove(nint z)
    {
        nint x;
        nint xParent;
        bool removedBlack;
        if (Left(z) == 0)
        {
            x = Right(z);
            xParent = Parent(z);
            removedBlack = !IsRed(z);
            Transplant(z, x);
        }
        else if (Right(z) == 0)
        {
            x = Left(z);
            xParent = Parent(z);
            removedBlack = !IsRed(z);
            Transplant(z, x);
        }
        else
        {
            // Two children: the successor y (leftmost of the right subtree) takes z's place and colour.
            nint y = Minimum(Right(z));
            removedBlack = !IsRed(y);
            x = Right(y);
            if (Parent(y) == z)
            {
                xParent = y;
            }
            else
            {
                xParent = Parent(y);
                Transplant(y, x);
                SetRight(y, Right(z));
                SetParent(Right(y), y);
            }

            Transplant(z, y);
            SetLeft(y, Left(z));
            SetParent(Left(y), y);
            SetRed(y, IsRed(z));
        }

        _count--;
        if (removedBlack)
            RemoveFixup(x, xParent);
    }

    /// <summary>The smallest node whose block is at least <paramref name="size"/> bytes (lowest address among equals), or 0.</summary>
    public readonly nint LowerBound(nint size)
    {
        nint best = 0;
        nint node = _root;
        while (node != 0)
        {
            if (KeyOf(node) >= size)
            {
                best = node;
                node = Left(node);
            }
            else
            {
                node = Right(node);
            }
        }
        return best;
    }

    /// <summary>The next node in key order, or 0 after the last.</summary>
    public static nint Successor(nint node)
    {
        if (Right(node) != 0)
            return Minimum(Right(node));
        nint parent = Parent(node);
        while (parent != 0 && node == Right(parent))
        {
            node = parent;
            parent = Parent(parent);
        }
        return parent;
    }

    /// <summary>
    /// Checks every red-black and ordering invariant; returns null when they hold, otherwise what is wrong.
    /// For tests and debugging: it walks the whole tree.
    /// </summary>
    public readonly string? Validate()
    {
        if (_root == 0)
            return _count == 0 ? null : $"empty tree but count {_count}";
        if (Parent(_root) != 0)
            return "root has a parent";
        if (IsRed(_root))
            return "root is red";

        int visited = 0;
        nint previous = 0;
        string? error = null;
        int blackHeight = Check(_root, ref visited, ref previous, ref error);
        if (error is not null)
            return error;
        if (blackHeight < 0)
            return "black heights differ";
        return visited == _count ? null : $"count {_count} but {visited} nodes reachable";
    }

    private static int Check(nint node, ref int visited, ref nint previous, ref string? error)
    {
        if (node == 0)
            return 1;
        nint left = Left(node);
        nint right = Right(node);
        if (left != 0 && Parent(left) != node)
            error ??= $"node 0x{left:X} has a wrong parent";
        if (right != 0 && Parent(right) != node)
            error ??= $"node 0x{right:X} has a wrong parent";
        if (IsRed(node) && (IsRed(left) || IsRed(right)))
            error ??= $"red node 0x{node:X} has a red child";
        if ((node & (BoundaryTag.Granularity - 1)) != 0)
            error ??= $"node 0x{node:X} is misaligned";

        int leftHeight = Check(left, ref visited, ref previous, ref error);
        if (previous != 0 && !Less(previous, node))
            error ??= $"node 0x{node:X} is out of order";
        if (BoundaryTag.IsUsed(BoundaryTag.HeaderOf(node)))
            error ??= $"node 0x{node:X} is a used block";
        previous = node;
        visited++;
        int rightHeight = Check(right, ref visited, ref previous, ref error);

        if (leftHeight < 0 || rightHeight < 0 || leftHeight != rightHeight)
            return -1;
        return leftHeight + (IsRed(node) ? 0 : 1);
    }

    private static bool Less(nint a, nint b)
    {
        nint sizeA = KeyOf(a);
        nint sizeB = KeyOf(b);
        return sizeA < sizeB || (sizeA == sizeB && a < b);
    }

    private void InsertFixup(nint z)
    {
        while (true)
        {
            nint parent = Parent(z);
            if (parent == 0 || !IsRed(parent))
                break;
            nint grand = Parent(parent); // a red parent is never the root
            if (parent == Left(grand))
            {
                nint uncle = Right(grand);
                if (IsRed(uncle))
                {
                    SetRed(parent, false);
                    SetRed(uncle, false);
                    SetRed(grand, true);
                    z = grand;
                    continue;
                }
                if (z == Right(parent))
                {
                    RotateLeft(parent);
                    z = parent;
                    parent = Parent(z);
                }
                SetRed(parent, false);
                SetRed(grand, true);
                RotateRight(grand);
            }
            else
            {
                nint uncle = Left(grand);
                if (IsRed(uncle))
                {
                    SetRed(parent, false);
                    SetRed(uncle, false);
                    SetRed(grand, true);
                    z = grand;
                    continue;
                }
                if (z == Left(parent))
                {
                    RotateRight(parent);
                    z = parent;
                    parent = Parent(z);
                }
                SetRed(parent, false);
                SetRed(grand, true);
                RotateLeft(grand);
            }
        }
        SetRed(_root, false);
    }

    private void RemoveFixup(nint x, nint parent)
    {
        // x carries an extra black. When x is null its sibling is not (the removed black node left a
        // subtree of black height >= 1 on the other side), so "x == Left(parent)" is unambiguous.
        while (x != _root && !IsRed(x))
        {
            if (x == Left(parent))
            {
                nint w = Right(parent);
                if (IsRed(w))
                {
                    SetRed(w, false);
                    SetRed(parent, true);
                    RotateLeft(parent);
                    w = Right(parent);
                }
                if (!IsRed(Left(w)) && !IsRed(Right(w)))
                {
                    SetRed(w, true);
                    x = parent;
                    parent = Parent(x);
                }
                else
                {
                    if (!IsRed(Right(w)))
                    {
                        SetRed(Left(w), false);
                        SetRed(w, true);
                        RotateRight(w);
                        w = Right(parent);
                    }
                    SetRed(w, IsRed(parent));
                    SetRed(parent, false);
                    SetRed(Right(w), false);
                    RotateLeft(parent);
                    x = _root;
                    parent = 0;
                }
            }
            else
            {
                nint w = Left(parent);
                if (IsRed(w))
                {
                    SetRed(w, false);
                    SetRed(parent, true);
                    RotateRight(parent);
                    w = Left(parent);
                }
                if (!IsRed(Right(w)) && !IsRed(Left(w)))
                {
                    SetRed(w, true);
                    x = parent;
                    parent = Parent(x);
                }
                else
                {
                    if (!IsRed(Left(w)))
                    {
                        SetRed(Right(w), false);
                        SetRed(w, true);
                        RotateLeft(w);
                        w = Left(parent);
                    }
                    SetRed(w, IsRed(parent));
                    SetRed(parent, false);
                    SetRed(Left(w), false);
                    RotateRight(parent);
                    x = _root;
                    parent = 0;
                }
            }
        }
        if (x != 0)
            SetRed(x, false);
    }

    private void RotateLeft(nint x)
    {
        nint y = Right(x);
        nint parent = Parent(x);
        SetRight(x, Left(y));
        if (Left(y) != 0)
            SetParent(Left(y), x);
        SetParent(y, parent);
        ReplaceChild(parent, x, y);
        SetLeft(y, x);
        SetParent(x, y);
    }

    private void RotateRight(nint x)
    {
        nint y = Left(x);
        nint parent = Parent(x);
        SetLeft(x, Right(y));
        if (Right(y) != 0)
            SetParent(Right(y), x);
        SetParent(y, parent);
        ReplaceChild(parent, x, y);
        SetRight(y, x);
        SetParent(x, y);
    }

    private void Transplant(nint u, nint v)
    {
        nint parent = Parent(u);
        ReplaceChild(parent, u, v);
        if (v != 0)
            SetParent(v, parent);
    }

    private void ReplaceChild(nint parent, nint oldChild, nint newChild)
    {
        if (parent == 0)
            _root = newChild;
        else if (Left(parent) == oldChild)
            SetLeft(parent, newChild);
        else
            SetRight(parent, newChild);
    }

    private static nint Minimum(nint node)
    {
        while (Left(node) != 0)
            node = Left(node);
        return node;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref nint LeftSlot(nint node) => ref *(nint*)node;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref nint RightSlot(nint node) => ref *(nint*)(node + 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref nint ParentSlot(nint node) => ref *(nint*)(node + 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Left(nint node) => *(nint*)node;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Right(nint node) => *(nint*)(node + 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Parent(nint node) => *(nint*)(node + 16) & ~RedBit;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsRed(nint node) => node != 0 && (*(nint*)(node + 16) & RedBit) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetLeft(nint node, nint child) => *(nint*)node = child;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetRight(nint node, nint child) => *(nint*)(node + 8) = child;

    /// <summary>Sets the parent, keeping the colour.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetParent(nint node, nint parent)
        => *(nint*)(node + 16) = parent | (*(nint*)(node + 16) & RedBit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetRed(nint node, bool red)
        => *(nint*)(node + 16) = (*(nint*)(node + 16) & ~RedBit) | (red ? RedBit : 0);
}
